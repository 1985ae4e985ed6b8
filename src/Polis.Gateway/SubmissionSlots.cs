using System.Net;

namespace Polis.Gateway;

/// <summary>
/// Permits for HTTP submissions in progress: <see cref="GatewayLimits.HttpSubmissionsMax"/> in all,
/// <see cref="GatewayLimits.HttpSubmissionsPerAddressMax"/> per client address (IPv6 by /64), so
/// slow uploads from one host cannot take every permit. Each permit holds one body at most, so
/// together they bound the bodies in memory. Thread-safe.
/// </summary>
public sealed class SubmissionSlots
{
    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, int> _byAddress = new();
    private int _total;

    /// <summary>Permits held now.</summary>
    public int InUse { get { lock (_lock) return _total; } }

    public bool TryTake(IPAddress? address, out IPAddress key)
    {
        key = KeyOf(address);
        lock (_lock)
        {
            if (_total >= GatewayLimits.HttpSubmissionsMax) return false;
            int held = _byAddress.GetValueOrDefault(key);
            if (held >= GatewayLimits.HttpSubmissionsPerAddressMax) return false;
            _byAddress[key] = held + 1;
            _total++;
            return true;
        }
    }

    public void Release(IPAddress key)
    {
        lock (_lock)
        {
            _total--;
            int held = _byAddress[key] - 1;
            if (held == 0) _byAddress.Remove(key);
            else _byAddress[key] = held;
        }
    }

    /// <summary>IPv4 as itself; IPv6 by its /64, which one host or site usually has whole.</summary>
    private static IPAddress KeyOf(IPAddress? address)
    {
        if (address is null) return IPAddress.None;
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return address;
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }
}
