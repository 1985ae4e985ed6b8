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

    public int Accounts { get; init; } = 16;
    public int TxsPerSecond { get; init; } = 40;
    public long GossipIntervalMs { get; init; } = 250;
    /// <summary>After the last fault heals, every honest validator must reach the target height within this.</summary>
    public long ProgressBoundMs { get; init; } = 120_000;

    /// <summary>Engine options; tests set a deliberate bug through the internal mutation flag.</summary>
    public Polis.Consensus.ConsensusOptions Consensus { get; init; } = new() { ProposeTimeoutMs = 300, ProposeTimeoutDeltaMs = 100, PrevoteTimeoutMs = 200, PrevoteTimeoutDeltaMs = 100, PrecommitTimeoutMs = 200, PrecommitTimeoutDeltaMs = 100 };

    /// <summary>Receives a line per signed message, timeout and decision, for debugging one seed.</summary>
    public Action<string>? Trace { get; init; }

    public int FaultyCount => Byzantine.Count + Crashes;
    public int F => (Validators - 1) / 3;
}
