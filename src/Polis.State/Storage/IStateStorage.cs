using Polis.Core.Crypto;
using Polis.State.Tree;

namespace Polis.State.Storage;

/// <summary>
/// Where the tree lives: content-addressed nodes, versioned values for fast reads, and the root of
/// each version. A version's writes arrive in one call and must land atomically.
/// </summary>
public interface IStateStorage : IDisposable
{
    ulong? LatestVersion { get; }
    Hash32 RootAt(ulong version);
    TreeNode? GetNode(in Hash32 hash);
    /// <summary>The value of the key as of <paramref name="version"/> (the latest write at or before it), or null.</summary>
    byte[]? GetValue(in Hash32 keyHash, ulong version);
    void CommitVersion(ulong version, Hash32 root, IReadOnlyCollection<TreeNode> nodes, IReadOnlyList<(Hash32 KeyHash, byte[]? Value)> values);
}
