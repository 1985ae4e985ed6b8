using Polis.Core.Ledger;

namespace Polis.Consensus.Events;

/// <summary>A signed prevote or precommit from the network.</summary>
public sealed record VoteReceived(Vote Vote) : ConsensusEvent;
