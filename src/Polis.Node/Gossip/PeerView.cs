using Polis.Core.Crypto;
using Polis.Network;

namespace Polis.Node.Gossip;

/// <summary>
/// What this node knows of one connected peer: its last reported height and round, and which
/// consensus messages of our current height it is known to have (it sent them to us, or we queued
/// them to it while it could use them). Owned by the node's loop; rebuilt on every reconnect, so a
/// peer that restarts gets everything again.
/// </summary>
public sealed class PeerView(Peer peer)
{
    public Peer Peer { get; } = peer;
    /// <summary>The peer's last committed height, from its status; null until it reports.</summary>
    public ulong? Height { get; set; }
    public int Round { get; set; }
    public HashSet<Hash32> Known { get; } = new();

    /// <summary>
    /// Whether a message of our working height would be used by the peer: it works on it, or keeps
    /// it for later (the engine buffers up to two heights ahead). Otherwise sending is wasted and
    /// must not count as delivered.
    /// </summary>
    public bool CanUse(ulong workingHeight) => Height is { } h && h + 1 <= workingHeight && workingHeight - (h + 1) <= 2;
}
