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
    /// <summary>How many heights ahead a message may be and still be kept.</summary>
    public int FutureHeightsMax { get; init; } = 2;
    /// <summary>Rounds above the current one whose messages are stored in full; further ones only count for round skip.</summary>
    public int RoundsAheadMax { get; init; } = 16;
    /// <summary>Different proposals kept per round (an equivocating proposer cannot fill memory).</summary>
    public int ProposalsPerRoundMax { get; init; } = 4;

    /// <summary>The safety rules (<see cref="EngineRules"/>); only the simulator's own tests set another, to break one on purpose.</summary>
    internal EngineRules Rules { get; init; } = EngineRules.Tendermint;


    public long TimeoutMs(Step step, int round) => step switch
    {
        Step.Propose => ProposeTimeoutMs + round * ProposeTimeoutDeltaMs,
        Step.Prevote => PrevoteTimeoutMs + round * PrevoteTimeoutDeltaMs,
        _ => PrecommitTimeoutMs + round * PrecommitTimeoutDeltaMs,
    };
}
