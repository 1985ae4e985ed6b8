namespace Polis.Modules.Devices;

/// <summary>What a device measures. Stored on chain: never renumber.</summary>
public enum DeviceKind : byte
{
    ElectricityMeter = 1,
    SolarInverter = 2,
    AirQuality = 3,
    TrafficCounter = 4,
    ParkingBay = 5,
    EvCharger = 6,
    /// <summary>Anything else; the record carries the kind's name.</summary>
    Custom = 255,
}

public static class DeviceKinds
{
    public static string Name(DeviceKind kind) => kind switch
    {
        DeviceKind.ElectricityMeter => "electricity-meter",
        DeviceKind.SolarInverter => "solar-inverter",
        DeviceKind.AirQuality => "air-quality",
        DeviceKind.TrafficCounter => "traffic-counter",
        DeviceKind.ParkingBay => "parking-bay",
        DeviceKind.EvCharger => "ev-charger",
        DeviceKind.Custom => "custom",
        _ => "unknown",
    };

    public static bool TryParse(string name, out DeviceKind kind)
    {
        foreach (var k in Enum.GetValues<DeviceKind>())
        {
            if (Name(k) != name) continue;
            kind = k;
            return true;
        }
        kind = default;
        return false;
    }

    public static bool IsDefined(byte value) => Enum.IsDefined((DeviceKind)value);
}
