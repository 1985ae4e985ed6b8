using RocksDbSharp;

namespace Polis.State.Storage;

/// <summary>
/// Writes collected in RocksDB key order (bytewise): the memtable's skip list then finds each
/// insert's place next to the previous one instead of searching from its top. Keys made of hashes
/// or device ids arrive in random order, and a profile had these searches at 20 % of a catching-up
/// node's block commit and half of the gateway's reading commit. The sort is stable, so of two
/// writes to one key the later still wins; the whole batch stays one atomic write.
/// </summary>
public sealed class KeyOrderedBatch
{
    private readonly List<(byte[] Key, byte[] Value)> _writes;

    public KeyOrderedBatch(int capacity = 16) => _writes = new List<(byte[], byte[])>(capacity);

    public int Count => _writes.Count;

    public void Put(byte[] key, byte[] value) => _writes.Add((key, value));

    public void AddRange(IEnumerable<(byte[] Key, byte[] Value)> writes) => _writes.AddRange(writes);

    public void Clear() => _writes.Clear();

    /// <summary>One atomic write of everything put so far, in key order.</summary>
    public void WriteTo(RocksDb db, WriteOptions options)
    {
        using var batch = new WriteBatch();
        foreach (var (key, value) in _writes.OrderBy(w => w.Key, BytewiseOrder.Instance)) batch.Put(key, value);
        db.Write(batch, options);
    }

    /// <summary>RocksDB's default comparator: bytewise.</summary>
    private sealed class BytewiseOrder : IComparer<byte[]>
    {
        public static readonly BytewiseOrder Instance = new();
        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
