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

    private static IPAddress KeyOf(IPAddress? address) => address is null ? IPAddress.None : Polis.Core.Net.ClientAddress.GroupOf(address);
}
