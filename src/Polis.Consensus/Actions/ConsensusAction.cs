namespace Polis.Consensus.Actions;

/// <summary>An output of the consensus engine, carried out by the driver in the order given.</summary>
public abstract record ConsensusAction;
