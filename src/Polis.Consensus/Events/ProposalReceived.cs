using Polis.Core.Ledger;

namespace Polis.Consensus.Events;

/// <summary>A signed proposal with the block it proposes, from the network.</summary>
public sealed record ProposalReceived(Proposal Proposal, Block Block) : ConsensusEvent;
