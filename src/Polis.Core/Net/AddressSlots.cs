using System.Net;

namespace Polis.Core.Net;

/// <summary>
/// Permits held by clients, bounded in all and per client address (IPv6 by /64), so one host
/// cannot take them all: a gateway's HTTP submissions in progress (each holds at most one body) and
/// open MQTT connections (each, before it has connected, holds at most a first packet of 4 KiB),
/// and the general pool of a P2P host's inbound handshakes. Thread-safe.
/// </summary>
public sealed class AddressSlots(int totalMax, int perAddressMax)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, int> _byAddress = new();
    private int _total;

    /// <summary>Permits held now.</summary>
    public int InUse { get { lock (_lock) return _total; } }

    public int TotalMax => totalMax;
    public int PerAddressMax => perAddressMax;

    /// <summary>Takes a permit for a client at <paramref name="address"/>; <paramref name="key"/> is what to give back to <see cref="Release"/>.</summary>
    public bool TryTake(IPAddress? address, out IPAddress key)
    {
        key = address is null ? IPAddress.None : ClientAddress.GroupOf(address);
        lock (_lock)
        {
            if (_total >= totalMax) return false;
            int held = _byAddress.GetValueOrDefault(key);
            if (held >= perAddressMax) return false;
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
}
