namespace Polis.Simulation;

/// <summary>A named fault mix. Every scenario but <see cref="BeyondFaultBound"/> stays within f faulty validators.</summary>
public enum Scenario
{
    /// <summary>Variable delays and reordering only.</summary>
    Clean,
    /// <summary>Drops, duplicates, reordering and long delays.</summary>
    Lossy,
    /// <summary>Random partitions that heal.</summary>
    Partition,
    /// <summary>Up to f validators crash (kill -9) and restart from their WAL, blocks and state.</summary>
    CrashRestart,
    /// <summary>f Byzantine proposers send different proposals to different peers.</summary>
    EquivocatingProposer,
    /// <summary>f Byzantine validators sign two conflicting votes in every step.</summary>
    DoubleVote,
    /// <summary>f Byzantine validators propose and vote for invalid blocks (wrong state root, forged transaction).</summary>
    InvalidBlocks,
    /// <summary>f validator keys each run by two honest instances at once (Twins).</summary>
    Twins,
    /// <summary>A random mix of all of the above within the fault bound.</summary>
    Mixed,
    /// <summary>f+1 Twins across a partition: beyond the bound, agreement can break and the checker must say so.</summary>
    BeyondFaultBound,
}
