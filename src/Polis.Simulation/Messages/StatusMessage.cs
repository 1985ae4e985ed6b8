namespace Polis.Simulation.Messages;

/// <summary>The sender's last committed height and current round, as a node's status (peers decide what to re-send and whether to catch up).</summary>
public sealed record StatusMessage(ulong CommittedHeight, int Round) : SimMessage(CommittedHeight);
