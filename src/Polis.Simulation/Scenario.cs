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
    /// <summary>Up to f validators crash, often in the middle of a disk write, and the crash may damage a sector of their journal.</summary>
    DiskFaults,
    /// <summary>f Byzantine proposers send different proposals to different peers.</summary>
    EquivocatingProposer,
    /// <summary>f Byzantine validators sign two conflicting votes in every step.</summary>
    DoubleVote,
    /// <summary>f Byzantine validators propose and vote for invalid blocks (wrong state root, forged transaction).</summary>
    InvalidBlocks,
    /// <summary>f validator keys each run by two honest instances at once (Twins).</summary>
    Twins,
    /// <summary>f validators hold their precommits back until the others time out, while a targeted adversary delays prevotes to the next proposer: validators end rounds locked on different blocks.</summary>
    WithheldPrecommits,
    /// <summary>f Byzantine proposers claim polkas that never happened (a fresh block with a valid round) to unlock locked validators, with the targeted adversary.</summary>
    FakeValidRound,
    /// <summary>Up to f validators crash and restart while a targeted adversary delays exactly the messages that would let them catch up.</summary>
    LaggingRepair,
    /// <summary>f Byzantine validators flood distinct signed votes and proposals (this height and later ones): memory stays bounded and the chain goes on.</summary>
    Flood,
    /// <summary>A random mix of all of the above within the fault bound; odd seeds give the validators unequal voting power.</summary>
    Mixed,
    /// <summary>f+1 Twins across a partition: beyond the bound, agreement can break and the checker must say so.</summary>
    BeyondFaultBound,
}
