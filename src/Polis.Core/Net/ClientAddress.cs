using System.Net;
using System.Net.Sockets;

namespace Polis.Core.Net;

/// <summary>
/// The address a per-client bound counts under: IPv4 as itself (an IPv4 address seen through an
/// IPv6 socket too), IPv6 by its /64, since one host or site usually holds a whole /64 and could
/// otherwise take a new address for every connection. Used by the P2P handshake slots and peer
/// places, the gateway's submission permits and the API's rate limit.
/// </summary>
public static class ClientAddress
{
    public static IPAddress GroupOf(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address;
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }
}
