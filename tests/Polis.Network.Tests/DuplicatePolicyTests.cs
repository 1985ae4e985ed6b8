using Polis.Core.Crypto;
using Polis.Network.Peers;

namespace Polis.Network.Tests;

public class DuplicatePolicyTests
{
    private static Peer Link(PublicKey remote, bool outbound) => new(remote, outbound, null, 1024, 16, new P2PMetrics());

    private static (PublicKey Low, PublicKey High) TwoKeys()
    {
        var x = KeyPair.Generate().PublicKey;
        var y = KeyPair.Generate().PublicKey;
        return x.Bytes.SequenceCompareTo(y.Bytes) < 0 ? (x, y) : (y, x);
    }

    [Fact]
    public void Both_sides_keep_the_link_dialed_by_the_lower_key()
    {
        var (low, high) = TwoKeys();
        // Seen from low: its own dial is outbound, high's dial inbound. Seen from high: the mirror.
        bool lowKeepsItsDial = DuplicatePolicy.PreferCandidate(existing: Link(high, outbound: false), candidate: Link(high, outbound: true), self: low);
        bool highKeepsLowsDial = DuplicatePolicy.PreferCandidate(existing: Link(low, outbound: true), candidate: Link(low, outbound: false), self: high);
        Assert.True(lowKeepsItsDial);
        Assert.True(highKeepsLowsDial);

        // Arrival order reversed: the existing link is already the right one and stays.
        Assert.False(DuplicatePolicy.PreferCandidate(existing: Link(high, outbound: true), candidate: Link(high, outbound: false), self: low));
        Assert.False(DuplicatePolicy.PreferCandidate(existing: Link(low, outbound: false), candidate: Link(low, outbound: true), self: high));
    }

    [Fact]
    public void Same_dialer_keeps_the_newer_link_and_a_closing_link_always_yields()
    {
        var (low, high) = TwoKeys();
        Assert.True(DuplicatePolicy.PreferCandidate(Link(high, outbound: false), Link(high, outbound: false), self: low));
        var closing = Link(low, outbound: true);
        closing.Close(DisconnectReason.Io);
        Assert.True(DuplicatePolicy.PreferCandidate(closing, Link(low, outbound: false), self: high));
    }

    [Fact]
    public void Registry_admits_one_link_per_key()
    {
        var (low, high) = TwoKeys();
        var registry = new PeerRegistry(low);
        var inbound = Link(high, outbound: false);
        Assert.True(registry.TryAdmit(inbound, out var displaced));
        Assert.Null(displaced);
        var outbound = Link(high, outbound: true);
        Assert.True(registry.TryAdmit(outbound, out displaced));
        Assert.Same(inbound, displaced);
        Assert.Same(outbound, Assert.Single(registry.Snapshot));
        registry.Remove(inbound); // no longer registered: a no-op
        Assert.Single(registry.Snapshot);
        registry.Remove(outbound);
        Assert.Empty(registry.Snapshot);
    }
}
