using Polis.Core.Crypto;

namespace Polis.Consensus.Gossip;

/// <summary>
/// What a node knows of one connected peer for consensus gossip: its last reported height and
/// round and which messages of the working height it is known to have (it sent them to us, or we
/// sent them while it could use them). Rebuilt on every reconnect, so a peer that restarts gets
/// everything again. The node's peer view and the simulator's extend it.
/// </summary>
public class PeerGossipState
{
    /// <summary>The peer's last committed height, from its status; null until it reports.</summary>
    public ulong? Height { get; set; }
    public int Round { get; set; }
    public HashSet<Hash32> Known { get; } = new();
    /// <summary>
    /// The quorums the peer claims to hold in the working height, one block per (round, kind):
    /// votes for them are taken beyond their signer's share and fed to the engine again. Cleared
    /// with <see cref="Known"/> at each height; at most <see cref="ClaimsMax"/>.
    /// </summary>
    public Dictionary<(int Round, GossipKind Kind), Hash32> Claims { get; } = new();
    /// <summary>
    /// A peer the operator pinned (a validator's node, in a proper deployment): its quorum claims
    /// are heard beyond the bounds that strangers share, so throwaway identities cannot crowd out
    /// the claim that unblocks a height.
    /// </summary>
    public bool Trusted { get; set; }
    /// <summary>Claims heard from one peer in one height: a prevote and a precommit quorum for each of 32 rounds.</summary>
    public const int ClaimsMax = 64;

    /// <summary>Whether the peer claims <paramref name="quorum"/>.</summary>
    public bool ClaimsQuorum(in GossipQuorum quorum) => Claims.TryGetValue((quorum.Round, quorum.Kind), out var id) && id == quorum.BlockId;

    /// <summary>Proposals sent on request this tick (bounded: a request costs the asker nothing and us a block).</summary>
    public int ProposalsRequestedThisTick { get; set; }

    /// <summary>
    /// Whether a message of our working height would be used by the peer: it works on it, or keeps
    /// it for later (the engine buffers up to two heights ahead). Otherwise sending is wasted and
    /// must not count as delivered.
    /// </summary>
    public bool CanUse(ulong workingHeight) => Height is { } h && h + 1 <= workingHeight && workingHeight - (h + 1) <= 2;
}
