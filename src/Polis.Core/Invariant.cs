using System.Runtime.CompilerServices;

namespace Polis.Core;

/// <summary>
/// Always-on checks of our own invariants. A failure is a bug in Polis, never bad input:
/// it stops the process loudly rather than continue on corrupt state. An interpolated message is
/// built only when the check fails, so a check on a hot path (every transaction, every state
/// write) costs the comparison alone.
/// </summary>
public static class Invariant
{
    public static void Check(bool condition, string why)
    {
        if (!condition) throw new InvariantViolationException(why);
    }

    public static void Check(bool condition, [InterpolatedStringHandlerArgument(nameof(condition))] ref InvariantMessage why)
    {
        if (!condition) throw new InvariantViolationException(why.ToStringAndClear());
    }
}
