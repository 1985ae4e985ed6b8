using Polis.Core;
using Polis.Core.Crypto;
using Polis.State.Tree;

namespace Polis.State;

/// <summary>
/// One block's writes on top of a committed version. Reads see the writes. The prospective root is
/// computed without writing anything; <see cref="Commit"/> stores nodes, values and root as the next
/// version in one atomic batch. Several may be open on one base version (one per proposal); the
/// ones not committed simply go away.
/// </summary>
public sealed class WorkingState
{
    private readonly StateTree _tree;
    private readonly ulong? _baseVersion;
    private readonly Dictionary<Hash32, byte[]?> _writes = new();
    private Hash32? _root;
    private TreeUpdater? _updater;
    private bool _committed;

    internal WorkingState(StateTree tree, ulong? baseVersion)
    {
        _tree = tree;
        _baseVersion = baseVersion;
    }

    public ulong Version => _baseVersion is { } v ? v + 1 : 0;
    public int WriteCount => _writes.Count;

    public byte[]? Get(ReadOnlySpan<byte> key)
    {
        StateTree.CheckKey(key);
        var keyHash = Sha256.Hash(key);
        if (_writes.TryGetValue(keyHash, out var written)) return written;
        return _baseVersion is { } v ? _tree.Storage.GetValue(keyHash, v) : null;
    }

    public void Put(ReadOnlySpan<byte> key, byte[] value)
    {
        StateTree.CheckKey(key);
        if (value.Length > StateLimits.ValueBytesMax) throw new ArgumentException($"state values are at most {StateLimits.ValueBytesMax} bytes", nameof(value));
        Write(Sha256.Hash(key), value);
    }

    public void Delete(ReadOnlySpan<byte> key)
    {
        StateTree.CheckKey(key);
        Write(Sha256.Hash(key), null);
    }

    private void Write(Hash32 keyHash, byte[]? value)
    {
        Invariant.Check(!_committed, "write to a committed working state");
        _writes[keyHash] = value;
        _root = null;
        _updater = null;
    }

    /// <summary>The root this state would commit to. Writes nothing.</summary>
    public Hash32 ComputeRoot()
    {
        if (_root is { } known) return known;
        var updates = new (Hash32 KeyHash, Hash32? ValueHash)[_writes.Count];
        int i = 0;
        foreach (var (keyHash, value) in _writes) updates[i++] = (keyHash, value is null ? null : Sha256.Hash(value));
        Array.Sort(updates, (a, b) => a.KeyHash.CompareTo(b.KeyHash));
        var baseRoot = _baseVersion is { } v ? _tree.RootAt(v) : Hash32.Zero;
        _updater = new TreeUpdater(_tree.LoadNode);
        _root = _updater.Apply(baseRoot, updates);
        return _root.Value;
    }

    /// <summary>Stores this state as version base + 1 (or 0), atomically. Only on the latest version.</summary>
    public void Commit()
    {
        Invariant.Check(!_committed, "working state committed twice");
        Invariant.Check(_tree.LatestVersion == _baseVersion, $"working state on version {_baseVersion} committed when the latest is {_tree.LatestVersion}");
        var root = ComputeRoot();
        var values = new List<(Hash32, byte[]?)>(_writes.Count);
        foreach (var (keyHash, value) in _writes) values.Add((keyHash, value));
        values.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        _tree.Storage.CommitVersion(Version, root, _updater!.Created, values);
        _committed = true;
    }
}
