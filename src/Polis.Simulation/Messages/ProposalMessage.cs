using Polis.Core.Ledger;

namespace Polis.Simulation.Messages;

/// <summary>A proposal with its block.</summary>
public sealed record ProposalMessage(Proposal Proposal, Block Block) : SimMessage(Proposal.Height);
