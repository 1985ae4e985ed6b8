using Polis.Core.Ledger;

namespace Polis.Consensus.Actions;

/// <summary>Send this signed proposal and its block to all peers.</summary>
public sealed record BroadcastProposal(Proposal Proposal, Block Block) : ConsensusAction;
