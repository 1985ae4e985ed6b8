namespace Polis.Consensus;

/// <summary>
/// Bugs that can be switched on in tests only (the option is internal), so a test can show that
/// the simulator's agreement checker catches a broken consensus rule.
/// </summary>
[Flags]
internal enum ConsensusMutation
{
    None = 0,
    /// <summary>Prevote any valid proposal, ignoring the lock (breaks rules 2 and 3).</summary>
    IgnoreLock = 1,
    /// <summary>Treat 2f of the power as a quorum instead of 2f+1 (f = the largest power with total > 3f).</summary>
    QuorumTwoF = 2,
}
