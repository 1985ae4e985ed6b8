namespace Polis.Simulation.Messages;

/// <summary>What simulated validators send each other.</summary>
public abstract record SimMessage(ulong Height);
