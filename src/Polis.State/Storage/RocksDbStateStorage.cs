using System.Buffers.Binary;
using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.State.Tree;
using RocksDbSharp;

namespace Polis.State.Storage;

/// <summary>
/// The state in an embedded RocksDB. Key layout (one keyspace, one-byte table prefixes):
/// <c>n|nodeHash</c> → node (content-addressed, so versions share unchanged subtrees);
/// <c>v|keyHash|~version</c> → 0 (deleted) or 1 + value, so a seek finds the latest write at or
/// before any version in one step; <c>r|version</c> → root; <c>m|latest</c> → latest version; <c>m|format</c> → the node layout (<see cref="Format"/>).
/// Each version is one synced WriteBatch: a crash leaves the previous version or the new one.
/// </summary>
public sealed class RocksDbStateStorage : IStateStorage
{
    private const byte NodePrefix = (byte)'n';
    private const byte ValuePrefix = (byte)'v';
    private const byte RootPrefix = (byte)'r';
    private static readonly byte[] LatestKey = "mlatest"u8.ToArray();
    private static readonly byte[] FormatKey = "mformat"u8.ToArray();
    /// <summary>
    /// The layout of stored nodes. 1: binary nodes (before 2026-11-30, no format record); 2: nodes
    /// of sixteen slots. A store of another format is refused at open rather than failing on its
    /// first node read.
    /// </summary>
    public const byte Format = 2;

    private readonly RocksDb _db;
    private readonly WriteOptions _syncWrites = new WriteOptions().SetSync(true);
    private readonly WriteOptions _bufferedWrites = new WriteOptions().SetSync(false);
    /// <summary>
    /// Nodes are immutable and content-addressed, so a cached node is never stale. The upper levels
    /// of the tree are read by every update; caching them saves a RocksDB read and a re-hash each.
    /// </summary>
    private readonly NodeCache _nodeCache = new(NodeCacheGenerationMax);
    private readonly LatestValueCache _latestValues = new(1 << 18);
    /// <summary>Other records (the node's blocks and indexes) that must land in the same atomic batch as the next version.</summary>
    private readonly List<(byte[] Key, byte[] Value)> _staged = new();
    /// <summary>
    /// Nodes per cache generation: two generations hold up to 262,144 nodes, about 100 MiB (a node
    /// is 100 to 600 bytes), which covers every node down to the fifth hex level: all but the
    /// lowest nodes of a million-key tree.
    /// </summary>
    private const int NodeCacheGenerationMax = 1 << 17;
    private ulong? _latest;

    public RocksDbStateStorage(string path)
    {
        Directory.CreateDirectory(path);
        // Index and filter blocks stay with their table files in memory (a few MiB per GiB of state)
        // instead of competing with data blocks in the block cache: there, random node reads over a
        // million keys evicted them, and a profile had each miss reading its filter and index block
        // back from the file before the data block (more than half of a Get's time).
        var table = new BlockBasedTableOptions()
            .SetFilterPolicy(BloomFilterPolicy.Create(10, false))
            .SetWholeKeyFiltering(true)
            .SetCacheIndexAndFilterBlocks(false)
            .SetBlockCache(Cache.CreateLru(64 * 1024 * 1024));
        var options = new DbOptions()
            .SetCreateIfMissing(true)
            .IncreaseParallelism(Math.Max(2, Environment.ProcessorCount))
            .SetBlockBasedTableFactory(table);
        _db = RocksDb.Open(options, path);
        var latest = _db.Get(LatestKey);
        if (latest is not null)
        {
            var format = _db.Get(FormatKey);
            int found = format is null ? 1 : format.Length == 1 ? format[0] : -1;
            if (found != Format)
            {
                _db.Dispose();
                throw new InvalidDataException($"the state store at {path} is in format {(found < 0 ? "unknown" : found)} and this Polis reads format {Format} " +
                    "(state tree nodes of sixteen slots since 2026-11-30): move the data directory aside and let the node sync from its peers");
            }
            Invariant.Check(latest.Length == 8, "corrupt latest-version record");
            _latest = BinaryPrimitives.ReadUInt64BigEndian(latest);
        }
    }

    public ulong? LatestVersion => _latest;

    /// <summary>
    /// Whether each version waits for the disk (the default). A node catching up on blocks its
    /// peers already decided turns it off: the versions still land atomically and in order in
    /// RocksDB's log, so a power loss can only cut off a tail of them, which sync fetches again; a
    /// process crash loses nothing. The next synced version makes all earlier ones durable.
    /// </summary>
    public bool SyncWrites { get; set; } = true;

    /// <summary>
    /// The database, for other tables that share it (keys must not start with the state's prefixes
    /// 'n', 'v', 'r', 'm'). Reads only; writes go through <see cref="StageWrite"/>.
    /// </summary>
    public RocksDb Database => _db;

    /// <summary>Adds a record to the next version's batch, so it is written atomically with that version's state.</summary>
    public void StageWrite(byte[] key, byte[] value)
    {
        Invariant.Check(key.Length > 0 && key[0] is not (NodePrefix or ValuePrefix or RootPrefix or (byte)'m'), "staged key collides with a state table");
        _staged.Add((key, value));
    }

    public Hash32 RootAt(ulong version)
    {
        var bytes = _db.Get(RootKey(version)) ?? throw new ArgumentOutOfRangeException(nameof(version), $"version {version} is not committed");
        if (bytes.Length != Hash32.Size) throw new CodecException($"corrupt root record for version {version}");
        return new Hash32(bytes);
    }

    public TreeNode? GetNode(in Hash32 hash)
    {
        if (_nodeCache.TryGet(hash, out var cached)) return cached;
        var bytes = _db.Get(NodeKey(hash));
        if (bytes is null) return null;
        var node = TreeNode.Decode(bytes, hash);
        _nodeCache.Add(node);
        return node;
    }

    public byte[]? GetValue(in Hash32 keyHash, ulong version)
    {
        // Copies out: callers own what they get, and the cache's arrays must not change under it.
        if (_latestValues.TryGet(keyHash, version, out var cached)) return cached?.ToArray();
        var (written, value) = SeekValue(keyHash, version);
        _latestValues.FillFromRead(keyHash, version, written, value, () => _latest);
        return value?.ToArray();
    }

    /// <summary>The latest write of the key at or before the version: its version and value (0 and null if none).</summary>
    private (ulong Written, byte[]? Value) SeekValue(in Hash32 keyHash, ulong version)
    {
        var seek = ValueKey(keyHash, version);
        using var iterator = _db.NewIterator();
        iterator.Seek(seek);
        if (!iterator.Valid()) return (0, null);
        var found = iterator.Key();
        if (found.Length != seek.Length || !found.AsSpan(0, 1 + Hash32.Size).SequenceEqual(seek.AsSpan(0, 1 + Hash32.Size))) return (0, null);
        ulong written = ~BinaryPrimitives.ReadUInt64BigEndian(found.AsSpan(1 + Hash32.Size));
        var stored = iterator.Value();
        if (stored.Length == 0 || stored[0] > 1) throw new CodecException("corrupt state value record");
        return (written, stored[0] == 0 ? null : stored.AsSpan(1).ToArray());
    }

    public void CommitVersion(ulong version, Hash32 root, IReadOnlyCollection<TreeNode> nodes, IReadOnlyList<(Hash32 KeyHash, byte[]? Value)> values)
    {
        Invariant.Check(_latest is null ? version == 0 : version == _latest + 1, $"version {version} committed after {_latest}");
        var writes = new KeyOrderedBatch(nodes.Count + values.Count + _staged.Count + 3);
        foreach (var node in nodes) writes.Put(NodeKey(node.Hash), node.ToBytes());
        foreach (var (keyHash, value) in values)
        {
            var stored = new byte[value is null ? 1 : 1 + value.Length];
            if (value is not null)
            {
                stored[0] = 1;
                value.CopyTo(stored, 1);
            }
            writes.Put(ValueKey(keyHash, version), stored);
        }
        writes.Put(RootKey(version), root.ToArray());
        var latest = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(latest, version);
        writes.Put(LatestKey, latest);
        if (version == 0) writes.Put(FormatKey, [Format]);
        writes.AddRange(_staged);
        writes.WriteTo(_db, SyncWrites ? _syncWrites : _bufferedWrites);
        _staged.Clear();
        var copies = new (Hash32, byte[]?)[values.Count];
        for (int i = 0; i < copies.Length; i++) copies[i] = (values[i].KeyHash, values[i].Value?.ToArray());
        _latestValues.Commit(version, copies, () => _latest = version);
        foreach (var node in nodes) _nodeCache.Add(node);
    }

    private static byte[] NodeKey(in Hash32 hash)
    {
        var key = new byte[1 + Hash32.Size];
        key[0] = NodePrefix;
        hash.WriteTo(key.AsSpan(1));
        return key;
    }

    private static byte[] ValueKey(in Hash32 keyHash, ulong version)
    {
        var key = new byte[1 + Hash32.Size + 8];
        key[0] = ValuePrefix;
        keyHash.WriteTo(key.AsSpan(1));
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1 + Hash32.Size), ~version);
        return key;
    }

    private static byte[] RootKey(ulong version)
    {
        var key = new byte[9];
        key[0] = RootPrefix;
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), version);
        return key;
    }

    public void Dispose() => _db.Dispose();
}
