namespace Polis.Core;

/// <summary>Thrown when one of Polis's own invariants is broken (a bug, not bad input).</summary>
public sealed class InvariantViolationException(string message) : Exception("invariant violated: " + message);
