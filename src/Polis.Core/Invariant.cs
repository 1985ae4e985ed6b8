namespace Polis.Core;

/// <summary>
/// Always-on checks of our own invariants. A failure is a bug in Polis, never bad input:
/// it stops the process loudly rather than continue on corrupt state.
/// </summary>
public static class Invariant
{
    public static void Check(bool condition, string why)
    {
        if (!condition) throw new InvariantViolationException(why);
    }
}
