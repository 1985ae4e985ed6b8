namespace Polis.Consensus;

/// <summary>Timeouts and bounds of the engine. Timeouts grow linearly with the round: base + round × delta.</summary>
public sealed record ConsensusOptions
{
    public long ProposeTimeoutMs { get; init; } = 1_000;
    public long ProposeTimeoutDeltaMs { get; init; } = 500;
    public long PrevoteTimeoutMs { get; init; } = 500;
    public long PrevoteTimeoutDeltaMs { get; init; } = 500;
    public long PrecommitTimeoutMs { get; init; } = 500;
    public long PrecommitTimeoutDeltaMs { get; init; } = 500;

    /// <summary>Messages for the next heights kept until the engine gets there.</summary>
    public int FutureMessagesMax { get; init; } = 4_096;
    /// <summary>Bytes of messages for the next heights kept, in all.</summary>
    public long FutureBytesMax { get; init; } = 64L * 1024 * 1024;
    /// <summary>Messages for the next heights kept from one validator (a proposal and votes of a few rounds each height).</summary>
    public int FutureMessagesPerSenderMax { get; init; } = 256;
    /// <summary>Bytes of messages for the next heights kept from one validator: two full proposals and its votes.</summary>
    public long FutureBytesPerSenderMax { get; init; } = 2L * Polis.Core.Limits.BlockBytesMax + 64 * 1024;
    /// <summary>How many heights ahead a message may be and still be kept.</summary>
    public int FutureHeightsMax { get; init; } = 2;
    /// <summary>Rounds above the current one whose messages are stored in full; further ones only count for round skip.</summary>
    public int RoundsAheadMax { get; init; } = 16;
    /// <summary>Different proposals kept per round (an equivocating proposer cannot fill memory).</summary>
    public int ProposalsPerRoundMax { get; init; } = 4;

    /// <summary>The safety rules (<see cref="EngineRules"/>); only the simulator's own tests set another, to break one on purpose.</summary>
    internal EngineRules Rules { get; init; } = EngineRules.Tendermint;


    /// <summary>Votes of one kind one round can hold: each validator's, conflicting ones included up to the equivocation bound and the claimed blocks.</summary>
    public static long VotesPerRoundMax(int validators) => (long)validators * VoteSet.VotesPerValidatorHeldMax;

    /// <summary>What one round of the height can hold at most: its proposals and every validator's votes (conflicting ones included).</summary>
    public long RoundBytesMax(int validators) =>
        ProposalsPerRoundMax * (long)(Polis.Core.Limits.BlockBytesMax + Polis.Core.Ledger.Proposal.EncodedSize)
        + 2L * VotesPerRoundMax(validators) * Polis.Core.Ledger.Vote.EncodedSize;

    /// <summary>The bound on what the engine holds in round <paramref name="round"/>: rounds 0 to round + <see cref="RoundsAheadMax"/>, and the future buffer.</summary>
    public long FootprintBytesMax(int validators, int round) => (round + RoundsAheadMax + 1L) * RoundBytesMax(validators) + FutureBytesMax;

    public long TimeoutMs(Step step, int round) => step switch
    {
        Step.Propose => ProposeTimeoutMs + round * ProposeTimeoutDeltaMs,
        Step.Prevote => PrevoteTimeoutMs + round * PrevoteTimeoutDeltaMs,
        _ => PrecommitTimeoutMs + round * PrecommitTimeoutDeltaMs,
    };
}
