using Polis.Core.Crypto;
using Polis.Modules.Devices;

namespace Polis.Devnet.District;

/// <summary>
/// Makes up a district: meters, solar inverters, air-quality sensors, traffic counters, parking
/// bays and EV chargers scattered over a few square kilometres, each with its own key. Seeded, so
/// the same size gives the same district.
/// </summary>
public static class DistrictLayout
{
    // Share of each kind in the district, and the id prefix its devices get.
    private static readonly (DeviceKind Kind, string Prefix, double Share)[] Mix =
    [
        (DeviceKind.ElectricityMeter, "meter", 0.40),
        (DeviceKind.SolarInverter, "solar", 0.10),
        (DeviceKind.AirQuality, "air", 0.10),
        (DeviceKind.TrafficCounter, "traffic", 0.15),
        (DeviceKind.ParkingBay, "parking", 0.20),
        (DeviceKind.EvCharger, "ev", 0.05),
    ];

    // The district's centre; devices lie within about ±2 km of it.
    private const int CentreLatMicro = 48_208_200;
    private const int CentreLonMicro = 16_373_800;
    private const int SpreadMicro = 20_000;

    public static List<DistrictFile.DistrictDevice> Create(int count, int seed = 2026)
    {
        var random = new Random(seed);
        var devices = new List<DistrictFile.DistrictDevice>(count);
        for (int k = 0; k < Mix.Length; k++)
        {
            var (kind, prefix, share) = Mix[k];
            int n = k == Mix.Length - 1 ? count - devices.Count : (int)Math.Round(count * share);
            for (int i = 0; i < n && devices.Count < count; i++)
            {
                var seedBytes = new byte[KeyPair.SeedSize];
                random.NextBytes(seedBytes);
                devices.Add(new DistrictFile.DistrictDevice
                {
                    Id = $"{prefix}-{i + 1:0000}",
                    Kind = DeviceKinds.Name(kind),
                    LatitudeMicro = CentreLatMicro + random.Next(-SpreadMicro, SpreadMicro),
                    LongitudeMicro = CentreLonMicro + random.Next(-SpreadMicro, SpreadMicro),
                    Seed = Convert.ToHexStringLower(seedBytes),
                });
            }
        }
        return devices;
    }
}
