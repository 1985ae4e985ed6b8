using System.Net;
using Polis.Core.Crypto;
using Polis.Network.Hosting;
using Polis.Network.Peers;

namespace Polis.Network.Tests;

/// <summary>The bounds a crowd of strangers meets: handshake slots by source address, and places for peers that are not pinned.</summary>
public class PeerLimitsTests
{
    private static readonly IPAddress Validator = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress Stranger = IPAddress.Parse("10.0.0.66");

    [Fact]
    public void One_address_holds_only_its_share_of_handshake_slots()
    {
        var slots = new HandshakeSlots(generalMax: 8, perAddressMax: 3, reservedMax: 2);
        for (int i = 0; i < 3; i++) Assert.Equal(HandshakeSlots.Kind.General, slots.TryTake(Stranger));
        Assert.Equal(HandshakeSlots.Kind.RefusedAddress, slots.TryTake(Stranger));
        // IPv4 seen through an IPv6 socket is the same address.
        Assert.Equal(HandshakeSlots.Kind.RefusedAddress, slots.TryTake(Stranger.MapToIPv6()));
        slots.Release(Stranger, HandshakeSlots.Kind.General);
        Assert.Equal(HandshakeSlots.Kind.General, slots.TryTake(Stranger));
        // Every address of one IPv6 /64 is one host.
        for (int i = 1; i <= 3; i++) Assert.Equal(HandshakeSlots.Kind.General, slots.TryTake(IPAddress.Parse($"2001:db8:1:2::{i}")));
        Assert.Equal(HandshakeSlots.Kind.RefusedAddress, slots.TryTake(IPAddress.Parse("2001:db8:1:2:ffff::9")));
        Assert.Equal(HandshakeSlots.Kind.General, slots.TryTake(IPAddress.Parse("2001:db8:1:3::1")));
    }

    [Fact]
    public void Strangers_from_many_addresses_fill_the_general_slots_but_never_the_reserved_ones()
    {
        var slots = new HandshakeSlots(generalMax: 8, perAddressMax: 1, reservedMax: 2);
        slots.Reserve([Validator]);
        for (int i = 0; i < 8; i++) Assert.Equal(HandshakeSlots.Kind.General, slots.TryTake(IPAddress.Parse($"10.1.0.{i}")));
        Assert.Equal(HandshakeSlots.Kind.RefusedFull, slots.TryTake(IPAddress.Parse("10.1.0.200")));
        Assert.Equal(HandshakeSlots.Kind.Reserved, slots.TryTake(Validator));
        Assert.Equal(HandshakeSlots.Kind.Reserved, slots.TryTake(Validator));
        // Its own pool used up, a configured peer competes for the general slots as anyone does.
        Assert.Equal(HandshakeSlots.Kind.RefusedFull, slots.TryTake(Validator));
        slots.Release(Validator, HandshakeSlots.Kind.Reserved);
        Assert.Equal(HandshakeSlots.Kind.Reserved, slots.TryTake(Validator));
    }

    private static Peer Link(PublicKey remote, bool outbound = false, string from = "10.2.0.1") =>
        new(remote, outbound, new IPEndPoint(IPAddress.Parse(from), 40_000), 1024, 16, new P2PMetrics());

    [Fact]
    public void One_address_holds_few_stranger_places_and_the_nodes_own_dials_always_get_in()
    {
        using var self = KeyPair.Generate();
        var registry = new PeerRegistry(self.PublicKey, [], othersMax: 40);
        for (int i = 0; i < PeerRegistry.StrangersPerAddressMax; i++) Assert.True(registry.TryAdmit(Link(KeyPair.Generate().PublicKey), out _, out _));
        Assert.False(registry.TryAdmit(Link(KeyPair.Generate().PublicKey), out _, out bool full));
        Assert.True(full);
        Assert.True(registry.TryAdmit(Link(KeyPair.Generate().PublicKey, from: "10.2.0.2"), out _, out _));
        var crowded = new PeerRegistry(self.PublicKey, [], othersMax: 0);
        // A persistent peer configured without its key is dialed by us: a full house does not refuse it.
        Assert.True(crowded.TryAdmit(Link(KeyPair.Generate().PublicKey, outbound: true), out _, out _));
    }

    [Fact]
    public void Strangers_share_a_bounded_number_of_places_and_pinned_peers_always_have_room()
    {
        using var self = KeyPair.Generate();
        var pinned = Enumerable.Range(0, 3).Select(_ => KeyPair.Generate().PublicKey).ToArray();
        var registry = new PeerRegistry(self.PublicKey, pinned, othersMax: 2);
        Assert.True(registry.TryAdmit(Link(KeyPair.Generate().PublicKey, from: "10.3.0.1"), out _, out _));
        var second = Link(KeyPair.Generate().PublicKey, from: "10.3.0.2");
        Assert.True(registry.TryAdmit(second, out _, out _));
        Assert.False(registry.TryAdmit(Link(KeyPair.Generate().PublicKey), out _, out bool full));
        Assert.True(full);
        foreach (var key in pinned) Assert.True(registry.TryAdmit(Link(key), out _, out _));
        // A stranger that leaves frees its place; a replaced link of a stranger takes no second one.
        registry.Remove(second);
        var third = Link(KeyPair.Generate().PublicKey);
        Assert.True(registry.TryAdmit(third, out _, out _));
        Assert.True(registry.TryAdmit(Link(third.Key), out var displaced, out _));
        Assert.Same(third, displaced);
        Assert.False(registry.TryAdmit(Link(KeyPair.Generate().PublicKey), out _, out full));
        Assert.True(full);
        Assert.Equal(5, registry.Snapshot.Count);
    }
}
