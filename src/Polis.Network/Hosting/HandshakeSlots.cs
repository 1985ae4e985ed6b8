using System.Net;
using Polis.Core.Net;

namespace Polis.Network.Hosting;

/// <summary>
/// Slots for inbound connections in their handshake, taken at accept and given back when the
/// handshake ends. Until the handshake the node knows only the source address, so that is what the
/// bounds use: a general pool (<see cref="P2POptions.InboundHandshakesMax"/>) in which one address
/// holds at most <see cref="P2POptions.InboundHandshakesPerAddressMax"/> (IPv6 by /64), and a pool of its own
/// (<see cref="P2POptions.ReservedHandshakesMax"/>) for the addresses of the configured persistent
/// peers: idle sockets from elsewhere, however many addresses they come from, cannot keep a
/// validator out. Thread-safe.
/// </summary>
internal sealed class HandshakeSlots(int generalMax, int perAddressMax, int reservedMax)
{
    public enum Kind { RefusedAddress, RefusedFull, General, Reserved }

    private readonly Lock _lock = new();
    private readonly AddressSlots _general = new(generalMax, perAddressMax);
    private readonly HashSet<IPAddress> _reservedAddresses = new();
    private int _reserved;

    /// <summary>Adds addresses whose connections use the reserved pool (the persistent peers', once resolved).</summary>
    public void Reserve(IEnumerable<IPAddress> addresses)
    {
        lock (_lock)
            foreach (var address in addresses) _reservedAddresses.Add(Normalize(address));
    }

    public bool IsReserved(IPAddress address)
    {
        lock (_lock) return _reservedAddresses.Contains(Normalize(address));
    }

    /// <summary>Takes a slot for a connection from <paramref name="address"/>; a refusal kind when none may be had.</summary>
    public Kind TryTake(IPAddress address)
    {
        address = Normalize(address);
        lock (_lock)
        {
            if (_reservedAddresses.Contains(address) && _reserved < reservedMax)
            {
                _reserved++;
                return Kind.Reserved;
            }
            // Reserved pool in use, or not a configured peer: a general slot, as anyone may.
            if (_general.TryTake(address, out _)) return Kind.General;
            return _general.InUse >= generalMax ? Kind.RefusedFull : Kind.RefusedAddress;
        }
    }

    public void Release(IPAddress address, Kind kind)
    {
        if (kind == Kind.General) _general.Release(ClientAddress.GroupOf(address));
        else if (kind == Kind.Reserved)
            lock (_lock) _reserved--;
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
