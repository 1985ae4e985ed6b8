using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Consensus.Gossip;

public enum GossipKind : byte { Proposal, Prevote, Precommit }

/// <summary>
/// What the gossip rules need to know of one consensus message: its id (the driver's: distinct
/// signed messages have distinct ids), round, kind, signer, its block (a proposal's, or the one a
/// vote is for; zero for nil), a proposal's valid round, and its size, by which the store bounds
/// each signer's share.
/// </summary>
public readonly record struct GossipItem(Hash32 Id, int Round, GossipKind Kind, Address Signer, Hash32 BlockId, int ValidRound, long Bytes)
{
    public bool IsProposal => Kind == GossipKind.Proposal;

    public static GossipItem ForProposal(in Hash32 id, Proposal proposal, Block block) =>
        new(id, proposal.Round, GossipKind.Proposal, proposal.Proposer, block.Id, proposal.ValidRound, Proposal.EncodedSize + block.ApproximateBytes);

    public static GossipItem ForVote(in Hash32 id, Vote vote) =>
        new(id, vote.Round, vote.Type == VoteType.Prevote ? GossipKind.Prevote : GossipKind.Precommit, vote.Validator, vote.BlockId, -1, Vote.EncodedSize);
}
