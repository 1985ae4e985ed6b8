using Polis.Core;
using Polis.Core.Crypto;
using Polis.State.Tree;

namespace Polis.State.Storage;

/// <summary>The whole state in process memory: for tests and the simulator, where it stands in for a node's disk.</summary>
public sealed class MemoryStateStorage : IStateStorage
{
    private readonly Dictionary<Hash32, TreeNode> _nodes = new();
    private readonly Dictionary<Hash32, List<(ulong Version, byte[]? Value)>> _values = new();
    private readonly List<Hash32> _roots = new();

    public ulong? LatestVersion => _roots.Count == 0 ? null : (ulong)(_roots.Count - 1);

    public Hash32 RootAt(ulong version)
    {
        if (version >= (ulong)_roots.Count) throw new ArgumentOutOfRangeException(nameof(version), $"version {version} is not committed");
        return _roots[(int)version];
    }

    public TreeNode? GetNode(in Hash32 hash) => _nodes.TryGetValue(hash, out var node) ? node : null;

    public byte[]? GetValue(in Hash32 keyHash, ulong version)
    {
        if (!_values.TryGetValue(keyHash, out var history)) return null;
        for (int i = history.Count - 1; i >= 0; i--)
            if (history[i].Version <= version) return history[i].Value;
        return null;
    }

    public void CommitVersion(ulong version, Hash32 root, IReadOnlyCollection<TreeNode> nodes, IReadOnlyList<(Hash32 KeyHash, byte[]? Value)> values)
    {
        Invariant.Check(version == (ulong)_roots.Count, $"version {version} committed after {_roots.Count - 1}");
        foreach (var node in nodes) _nodes.TryAdd(node.Hash, node);
        foreach (var (keyHash, value) in values)
        {
            if (!_values.TryGetValue(keyHash, out var history)) _values[keyHash] = history = new List<(ulong, byte[]?)>(1);
            history.Add((version, value));
        }
        _roots.Add(root);
    }

    public void Dispose() { }
}
