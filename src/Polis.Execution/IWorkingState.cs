using Polis.Core.Crypto;

namespace Polis.Execution;

/// <summary>
/// Writes of one block on top of a committed version, not yet durable. Several may exist at once
/// (one per proposal being validated); the one of the decided block is committed, the rest dropped.
/// </summary>
public interface IWorkingState : IStateView
{
    /// <summary>The root the state would have if this were committed; commits nothing.</summary>
    Hash32 ComputeRoot();

    /// <summary>Makes the writes durable as the next version, in one atomic batch.</summary>
    void Commit();
}
