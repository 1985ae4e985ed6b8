using Polis.Core.Crypto;
using Polis.Modules.Devices;

namespace Polis.Devnet.District;

/// <summary>
/// Plausible readings for each kind of device (a meter's energy counter only grows, parking bays
/// flip between free and taken, traffic follows the hour), signed with the device's key. Sequence
/// numbers are milliseconds since the epoch, kept strictly increasing, so a restarted simulator
/// never reuses one.
/// </summary>
public sealed class ReadingFactory(string chainId, DistrictFile.DistrictDevice device, Random random)
{
    private readonly KeyPair _key = KeyPair.FromSeed(Convert.FromHexString(device.Seed));
    private readonly DeviceKind _kind = DeviceKinds.TryParse(device.Kind, out var kind) ? kind : DeviceKind.Custom;
    private ulong _lastSequence;
    private long _energyWh = random.Next(1_000_000, 9_000_000);
    private bool _occupied = random.Next(2) == 0;

    public string DeviceId => device.Id;
    public KeyPair Key => _key;

    public Reading Next(long nowMs)
    {
        ulong sequence = Math.Max(_lastSequence + 1, (ulong)nowMs);
        _lastSequence = sequence;
        int hour = DateTimeOffset.FromUnixTimeMilliseconds(nowMs).UtcDateTime.Hour;
        return _kind switch
        {
            DeviceKind.ElectricityMeter => Make(sequence, nowMs, "energy_import", "Wh", _energyWh += random.Next(1, 40)),
            DeviceKind.SolarInverter => Make(sequence, nowMs, "power_output", "W", hour is >= 6 and <= 19 ? random.Next(200, 5_000) : 0),
            DeviceKind.AirQuality => Make(sequence, nowMs, "pm2_5_pm10_no2", "ug/m3*10", random.Next(30, 250), random.Next(80, 400), random.Next(50, 600)),
            DeviceKind.TrafficCounter => Make(sequence, nowMs, "vehicles", "1/min", hour is >= 7 and <= 19 ? random.Next(10, 60) : random.Next(0, 12)),
            DeviceKind.ParkingBay => Make(sequence, nowMs, "occupied", "bool", (_occupied = random.Next(10) == 0 ? !_occupied : _occupied) ? 1 : 0),
            DeviceKind.EvCharger => Make(sequence, nowMs, "charging_power", "W", random.Next(4) == 0 ? 0 : random.Next(3_000, 22_000)),
            _ => Make(sequence, nowMs, "value", "", random.Next(0, 1000)),
        };
    }

    /// <summary>A reading that must be rejected: signed by a key that is not the device's.</summary>
    public Reading Forged(long nowMs, KeyPair wrongKey) =>
        Reading.Create(chainId, device.Id, Math.Max(_lastSequence + 1, (ulong)nowMs), nowMs, "forged", "", [1], null, wrongKey);

    /// <summary>True once the device has published, so <see cref="Stale"/> has a used sequence number to replay.</summary>
    public bool HasPublished => _lastSequence > 0;

    /// <summary>A reading that must be rejected as a replay: correctly signed, but with a sequence number already used.</summary>
    public Reading Stale(long nowMs) => Make(_lastSequence, nowMs, "stale", "", 0);

    private Reading Make(ulong sequence, long timeMs, string metric, string unit, params long[] values) =>
        Reading.Create(chainId, device.Id, sequence, timeMs, metric, unit, values, null, _key);
}
