namespace Polis.Consensus.Actions;

/// <summary>Fire <see cref="Events.TimeoutFired"/> for (height, round, step) after <paramref name="DelayMs"/>.</summary>
public sealed record ScheduleTimeout(ulong Height, int Round, Step Step, long DelayMs) : ConsensusAction;
