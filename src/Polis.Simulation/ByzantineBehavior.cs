namespace Polis.Simulation;

/// <summary>How a faulty validator misbehaves.</summary>
public enum ByzantineBehavior
{
    None,
    EquivocatingProposer,
    DoubleVote,
    InvalidBlocks,
    /// <summary>The key is run by two honest instances (each alone behaves correctly).</summary>
    Twins,
}
