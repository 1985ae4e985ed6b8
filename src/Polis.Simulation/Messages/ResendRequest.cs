namespace Polis.Simulation.Messages;

/// <summary>"Send me what you have for this height" (a quorum voted for a block I have not seen).</summary>
public sealed record ResendRequest(ulong ForHeight) : SimMessage(ForHeight);
