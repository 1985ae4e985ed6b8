using Polis.Core.Crypto;

namespace Polis.Execution;

/// <summary>The authenticated versioned state as execution uses it: version = block height, 0 = genesis.</summary>
public interface IVersionedState
{
    /// <summary>The latest committed version, or null when nothing (not even genesis) is committed.</summary>
    ulong? LatestVersion { get; }

    Hash32 RootAt(ulong version);

    /// <summary>Starts the writes of version <paramref name="baseVersion"/> + 1 (or of version 0 when baseVersion is null).</summary>
    IWorkingState Begin(ulong? baseVersion);

    /// <summary>A read-only view of a committed version.</summary>
    IStateView At(ulong version);
}
