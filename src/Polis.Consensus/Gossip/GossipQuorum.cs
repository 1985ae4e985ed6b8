using Polis.Core.Crypto;

namespace Polis.Consensus.Gossip;

/// <summary>A quorum of one kind of vote in one round of the working height, for a block (zero: nil): ours to announce, or a peer's claim.</summary>
public readonly record struct GossipQuorum(int Round, GossipKind Kind, Hash32 BlockId)
{
    public bool Matches(in GossipItem item) => !item.IsProposal && item.Round == Round && item.Kind == Kind && item.BlockId == BlockId;
}
