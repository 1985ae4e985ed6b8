namespace Polis.Consensus.Events;

/// <summary>A timeout the engine scheduled has expired; it acts only if height and round still match.</summary>
public sealed record TimeoutFired(ulong Height, int Round, Step Step) : ConsensusEvent;
