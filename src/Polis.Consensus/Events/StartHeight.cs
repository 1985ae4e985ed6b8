using Polis.Core.Ledger;

namespace Polis.Consensus.Events;

/// <summary>Begin consensus on <paramref name="Height"/> with its validator set (after the previous height is stored).</summary>
public sealed record StartHeight(ulong Height, ValidatorSet Validators) : ConsensusEvent;
