using Polis.Simulation.Checkers;

namespace Polis.Simulation;

/// <summary>What one run did and what its checkers found.</summary>
public sealed class SimulationResult
{
    public required SimulationOptions Options { get; init; }
    public required IReadOnlyList<Violation> Violations { get; init; }
    public required IReadOnlyList<(string Node, ulong Height, bool Honest)> Nodes { get; init; }
    /// <summary>Each node's engine state at the end of the run, for diagnosing a failure.</summary>
    public IReadOnlyList<string> NodeStates { get; init; } = [];
    public long VirtualTimeMs { get; init; }
    public long MessagesSent { get; init; }
    public long MessagesDropped { get; init; }
    public long MessagesDuplicated { get; init; }
    public long TransactionsCommitted { get; init; }
    public int HeightsDecided { get; init; }
    public int MaxRound { get; init; }
    public double MeanCommitRound { get; init; }
    public long EvidenceReported { get; init; }
    /// <summary>Evidence items in decided blocks (counted once per height, on the first honest decision).</summary>
    public long EvidenceCommitted { get; init; }
    public int Crashes { get; init; }
    /// <summary>Restarts the journal refused (damage found), each followed by the operator's repair.</summary>
    public int JournalRefusals { get; init; }
    /// <summary>Problems the journal found and reported at open (torn tails cut, damaged guard slots).</summary>
    public int JournalWarnings { get; init; }
    public long SignaturesChecked { get; init; }
    /// <summary>The most bytes any validator's engine held at a sample (the memory checker's bound is far above).</summary>
    public long EngineBytesMax { get; init; }

    public bool Passed => Violations.Count == 0;

    /// <summary>The one command that replays this run exactly (<see cref="SimulationReplay"/>).</summary>
    public string ReplayCommand => SimulationReplay.Command(Options);
}
