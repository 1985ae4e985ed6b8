namespace Polis.Execution;

/// <summary>
/// Reading the state failed underneath a module (a corrupt record, a storage error): a fault of this
/// node, never of the transaction, so it is never turned into a transaction's failure. It stops the
/// node like any broken invariant of its own.
/// </summary>
public sealed class StateReadException(Exception inner) : Exception($"reading the state failed: {inner.Message}", inner);
