using Polis.Core.Ledger;

namespace Polis.Simulation.Messages;

/// <summary>A prevote or precommit.</summary>
public sealed record VoteMessage(Vote Vote) : SimMessage(Vote.Height);
