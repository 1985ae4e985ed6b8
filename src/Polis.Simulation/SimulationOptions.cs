namespace Polis.Simulation;

/// <summary>One seeded simulation run: size, faults and bounds. The same options and seed replay exactly.</summary>
public sealed record SimulationOptions
{
    public int Validators { get; init; } = 4;
    public ulong Heights { get; init; } = 20;
    public int Seed { get; init; } = 1;
    public Scenario Scenario { get; init; } = Scenario.Clean;

    public int DelayMinMs { get; init; } = 5;
    public int DelayMaxMs { get; init; } = 60;
    public double DropRate { get; init; }
    public double DuplicateRate { get; init; }
    /// <summary>Chance that a message is held back long enough to arrive after later ones.</summary>
    public double ReorderRate { get; init; } = 0.05;

    /// <summary>Partitions start within this window and all heal by its end.</summary>
    public long FaultWindowMs { get; init; }
    public int Partitions { get; init; }
    public long PartitionMinMs { get; init; } = 500;
    public long PartitionMaxMs { get; init; } = 5_000;
    public int Crashes { get; init; }
    public IReadOnlyDictionary<int, ByzantineBehavior> Byzantine { get; init; } = new Dictionary<int, ByzantineBehavior>();
    /// <summary>Keep the two halves of the network apart for the whole run (BeyondFaultBound).</summary>
    public bool SplitBrain { get; init; }

    /// <summary>Chance that a crash strikes in the middle of the node's next disk operations (a torn write, a missing fsync) rather than between events.</summary>
    public double MidWriteCrashRate { get; init; } = 0.5;
    /// <summary>Chance that a crash also damages a sector of the node's WAL or guard.</summary>
    public double DiskDamageRate { get; init; }
    /// <summary>The journal compacts its WAL past this size (small, so runs exercise compaction).</summary>
    public long WalCompactAtBytes { get; init; } = 16 * 1024;
    /// <summary>How the journal recovers; only the simulator's tests set another, to break it on purpose.</summary>
    internal Polis.Consensus.Wal.WalRecoveryRules WalRules { get; init; } = Polis.Consensus.Wal.WalRecoveryRules.Strict;

    /// <summary>Honest nodes claim their quorums to peers and heed peers' claims (the node does); only the simulator's tests switch it off, to show what it is for.</summary>
    internal bool QuorumClaims { get; init; } = true;

    /// <summary>The targeted adversary (<c>Simulator.Adversary.cs</c>) holds back repair messages and prevotes to the next proposer during the fault window.</summary>
    public bool TargetedDelays { get; init; }
    public long TargetedDelayMs { get; init; } = 700;
    /// <summary>Voting power of each validator (null: 1 each). Faulty validators always hold less than a third of the total.</summary>
    public IReadOnlyList<ulong>? Powers { get; init; }

    public int Accounts { get; init; } = 16;
    public int TxsPerSecond { get; init; } = 40;
    public long GossipIntervalMs { get; init; } = 250;
    /// <summary>After the last fault heals, every honest validator must reach the target height within this.</summary>
    public long ProgressBoundMs { get; init; } = 120_000;

    /// <summary>Engine options; tests set a deliberate bug through the internal mutation flag.</summary>
    public Polis.Consensus.ConsensusOptions Consensus { get; init; } = new() { ProposeTimeoutMs = 300, ProposeTimeoutDeltaMs = 100, PrevoteTimeoutMs = 200, PrevoteTimeoutDeltaMs = 100, PrecommitTimeoutMs = 200, PrecommitTimeoutDeltaMs = 100 };

    /// <summary>Stop at the first safety violation (false: run on, to see every checker that fires).</summary>
    public bool StopAtFirstViolation { get; init; } = true;

    /// <summary>The name of a deliberately broken rule the run carries (set by the simulator's tests, which own the mutations), for its replay command.</summary>
    public string? Mutation { get; init; }

    /// <summary>Receives a line per signed message, timeout and decision, for debugging one seed.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Action<string>? Trace { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public int FaultyCount => Byzantine.Count + Crashes;
    [System.Text.Json.Serialization.JsonIgnore]
    public int F => (Validators - 1) / 3;
}
