using Polis.Core.Ledger;

namespace Polis.Consensus.Actions;

/// <summary>Send this signed vote to all peers.</summary>
public sealed record BroadcastVote(Vote Vote) : ConsensusAction;
