namespace Polis.Simulation.Messages;

/// <summary>"Send me decided blocks from this height on."</summary>
public sealed record CatchUpRequest(ulong FromHeight) : SimMessage(FromHeight);
