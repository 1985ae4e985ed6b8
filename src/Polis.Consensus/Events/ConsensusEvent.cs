namespace Polis.Consensus.Events;

/// <summary>An input to the consensus engine. The driver (node or simulator) produces them.</summary>
public abstract record ConsensusEvent;
