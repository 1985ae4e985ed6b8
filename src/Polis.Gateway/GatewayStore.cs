using System.Buffers.Binary;
using System.Text;
using Polis.Core;
using Polis.Core.Crypto;
using Polis.State.Storage;
using RocksDbSharp;

namespace Polis.Gateway;

/// <summary>
/// The gateway's own RocksDB (never the node's). Keys, one-byte table prefixes:
/// <c>O|order</c> → reading bytes (the global accept order);
/// <c>R|deviceId|0|seq</c> → order; <c>D|deviceId</c> → last accepted sequence;
/// <c>B|batch</c> → <see cref="BatchRecord"/>; <c>H|batch</c> → the batch's leaf hashes;
/// <c>M…</c> → counters: next order, next batch, first unanchored batch.
/// Every write is one synced WriteBatch: accepted readings land together with the device's last
/// sequence and the next order; a batch's record, leaves and signed anchor with the next batch number.
/// Thread-safe: one writer accepts readings (<see cref="ReadingCommitter"/>), one seals and anchors
/// (<see cref="Anchorer"/>), readers serve the API.
/// </summary>
public sealed class GatewayStore : IDisposable
{
    private const byte OrderPrefix = (byte)'O';
    private const byte SequencePrefix = (byte)'R';
    private const byte DevicePrefix = (byte)'D';
    private const byte BatchPrefix = (byte)'B';
    private const byte LeavesPrefix = (byte)'H';
    private static readonly byte[] NextOrderKey = "Mnext-order"u8.ToArray();
    private static readonly byte[] NextBatchKey = "Mnext-batch"u8.ToArray();
    private static readonly byte[] AnchoredBatchesKey = "Manchored"u8.ToArray();

    private readonly RocksDb _db;
    private readonly WriteOptions _sync = new WriteOptions().SetSync(true);
    private ulong _nextBatch, _anchoredBatches; // written by the anchorer only; read by API threads

    public GatewayStore(string path)
    {
        Directory.CreateDirectory(path);
        var table = new BlockBasedTableOptions()
            .SetFilterPolicy(BloomFilterPolicy.Create(10, false))
            .SetWholeKeyFiltering(true)
            .SetBlockCache(Cache.CreateLru(32 * 1024 * 1024));
        var options = new DbOptions()
            .SetCreateIfMissing(true)
            .IncreaseParallelism(Math.Max(2, Environment.ProcessorCount))
            .SetBlockBasedTableFactory(table);
        _db = RocksDb.Open(options, path);
        NextOrder = ReadCounter(NextOrderKey);
        _nextBatch = ReadCounter(NextBatchKey);
        _anchoredBatches = ReadCounter(AnchoredBatchesKey);
        Invariant.Check(_anchoredBatches <= _nextBatch, "gateway store: more batches anchored than sealed");
        SealedOrder = _nextBatch == 0 ? 0 : (GetBatch(_nextBatch - 1) ?? throw new InvalidDataException($"gateway store: batch {_nextBatch - 1} is missing")).EndOrder;
        Invariant.Check(SealedOrder <= NextOrder, "gateway store: a batch covers readings never accepted");
    }

    /// <summary>The order the next accepted reading gets (= readings accepted so far).</summary>
    public ulong NextOrder { get; private set; }
    /// <summary>Readings below this order are in sealed batches; the rest wait for the next batch.</summary>
    public ulong SealedOrder { get; private set; }
    public ulong NextBatch => Volatile.Read(ref _nextBatch);
    /// <summary>Batches 0 … this − 1 are anchored (the chain anchors them in order).</summary>
    public ulong AnchoredBatches => Volatile.Read(ref _anchoredBatches);

    // ---- accepted readings

    /// <summary>The last accepted sequence number of a device, or null when it has none.</summary>
    public ulong? LastSequence(string deviceId)
    {
        var bytes = _db.Get(DeviceKey(deviceId));
        return bytes is null ? null : U64(bytes, "last sequence");
    }

    /// <summary>Starts a group of accepted readings; nothing is visible until <see cref="AcceptedWrite.Commit"/>.</summary>
    public AcceptedWrite BeginAccepted() => new(this);

    /// <summary>A group commit: many readings in one synced write.</summary>
    public sealed class AcceptedWrite(GatewayStore store)
    {
        private readonly KeyOrderedBatch _batch = new(64);
        private ulong _next = store.NextOrder;

        public ulong NextOrder => _next;

        /// <summary>Stages a reading; returns its order.</summary>
        public ulong Add(string deviceId, ulong sequence, byte[] encoded)
        {
            ulong order = _next++;
            _batch.Put(OrderKey(order), encoded);
            _batch.Put(SequenceKey(deviceId, sequence), BigEndian(order));
            return order;
        }

        public void SetLastSequence(string deviceId, ulong sequence) => _batch.Put(DeviceKey(deviceId), BigEndian(sequence));

        /// <summary>Writes and syncs the group; after this the readings survive a crash.</summary>
        public void Commit()
        {
            _batch.Put(NextOrderKey, BigEndian(_next));
            _batch.WriteTo(store._db, store._sync);
            store.NextOrder = _next;
        }
    }

    /// <summary>The accept order of a device's reading, or null when none with that sequence was accepted.</summary>
    public ulong? OrderOf(string deviceId, ulong sequence)
    {
        var bytes = _db.Get(SequenceKey(deviceId, sequence));
        return bytes is null ? null : U64(bytes, "order");
    }

    public byte[]? ReadingAt(ulong order) => _db.Get(OrderKey(order));

    /// <summary>Readings of orders [<paramref name="from"/>, <paramref name="to"/>) in order.</summary>
    public IEnumerable<(ulong Order, byte[] Reading)> Readings(ulong from, ulong to)
    {
        if (from >= to) yield break;
        var options = new ReadOptions().SetIterateUpperBound(OrderKey(to));
        using var it = _db.NewIterator(null, options);
        for (it.Seek(OrderKey(from)); it.Valid(); it.Next())
        {
            var key = it.GetKeySpan();
            if (key.Length != 9 || key[0] != OrderPrefix) yield break;
            yield return (BinaryPrimitives.ReadUInt64BigEndian(key[1..]), it.Value());
        }
    }

    /// <summary>A device's most recent accepted readings, newest first: (sequence, order).</summary>
    public List<(ulong Sequence, ulong Order)> Recent(string deviceId, int limit)
    {
        var result = new List<(ulong, ulong)>(Math.Min(limit, 1024));
        var prefix = SequencePrefixOf(deviceId);
        var upper = SequenceKey(deviceId, ulong.MaxValue);
        using var it = _db.NewIterator();
        for (it.SeekForPrev(upper); it.Valid() && result.Count < limit; it.Prev())
        {
            var key = it.GetKeySpan();
            if (key.Length != prefix.Length + 8 || !key.StartsWith(prefix)) break;
            result.Add((BinaryPrimitives.ReadUInt64BigEndian(key[prefix.Length..]), U64(it.GetValueSpan(), "order")));
        }
        return result;
    }

    // ---- batches

    /// <summary>Writes a newly sealed batch: its record (with the signed anchor), its leaves and the next batch number, atomically.</summary>
    public void Seal(BatchRecord batch, ReadOnlySpan<Hash32> leaves)
    {
        Invariant.Check(batch.Number == NextBatch, "gateway store: batches are sealed in order without gaps");
        Invariant.Check(batch.FirstOrder == SealedOrder && batch.EndOrder <= NextOrder && leaves.Length == batch.Count, "gateway store: a batch covers the next accepted readings");
        var leafBytes = new byte[leaves.Length * Hash32.Size];
        for (int i = 0; i < leaves.Length; i++) leaves[i].WriteTo(leafBytes.AsSpan(i * Hash32.Size));
        using var write = new WriteBatch();
        write.Put(BatchKey(BatchPrefix, batch.Number), batch.ToBytes());
        write.Put(BatchKey(LeavesPrefix, batch.Number), leafBytes);
        write.Put(NextBatchKey, BigEndian(batch.Number + 1));
        _db.Write(write, _sync);
        SealedOrder = batch.EndOrder;
        Volatile.Write(ref _nextBatch, batch.Number + 1);
    }

    /// <summary>Replaces unanchored batches' records (re-signed anchors) in one write.</summary>
    public void Replace(IReadOnlyList<BatchRecord> batches)
    {
        using var write = new WriteBatch();
        foreach (var b in batches)
        {
            Invariant.Check(b.Number >= AnchoredBatches && b.Number < NextBatch && b.Status == BatchStatus.Pending, "gateway store: only unanchored batches are re-signed");
            write.Put(BatchKey(BatchPrefix, b.Number), b.ToBytes());
        }
        _db.Write(write, _sync);
    }

    /// <summary>Records that the next unanchored batch is anchored on chain.</summary>
    public BatchRecord MarkAnchored(BatchRecord batch, ulong height, Hash32 txHash)
    {
        Invariant.Check(batch.Number == AnchoredBatches, "gateway store: batches are anchored in order");
        var anchored = batch with { Status = BatchStatus.Anchored, Height = height, AnchoredTxHash = txHash };
        using var write = new WriteBatch();
        write.Put(BatchKey(BatchPrefix, batch.Number), anchored.ToBytes());
        write.Put(AnchoredBatchesKey, BigEndian(batch.Number + 1));
        _db.Write(write, _sync);
        Volatile.Write(ref _anchoredBatches, batch.Number + 1);
        return anchored;
    }

    public BatchRecord? GetBatch(ulong number)
    {
        var bytes = _db.Get(BatchKey(BatchPrefix, number));
        return bytes is null ? null : BatchRecord.Decode(bytes);
    }

    public Hash32[] Leaves(ulong number)
    {
        var bytes = _db.Get(BatchKey(LeavesPrefix, number)) ?? throw new InvalidDataException($"gateway store: leaves of batch {number} are missing");
        Invariant.Check(bytes.Length % Hash32.Size == 0, "gateway store: corrupt leaf record");
        var leaves = new Hash32[bytes.Length / Hash32.Size];
        for (int i = 0; i < leaves.Length; i++) leaves[i] = new Hash32(bytes.AsSpan(i * Hash32.Size, Hash32.Size));
        return leaves;
    }

    /// <summary>The sealed batch holding a reading's order (batches are contiguous: a binary search), or null when not sealed yet.</summary>
    public BatchRecord? BatchContaining(ulong order)
    {
        if (order >= SealedOrder) return null;
        ulong low = 0, high = NextBatch; // the batch is in [low, high)
        while (high - low > 1)
        {
            ulong mid = low + (high - low) / 2;
            var b = GetBatch(mid) ?? throw new InvalidDataException($"gateway store: batch {mid} is missing");
            if (b.FirstOrder <= order) low = mid; else high = mid;
        }
        var found = GetBatch(low) ?? throw new InvalidDataException($"gateway store: batch {low} is missing");
        return found.Contains(order) ? found : null;
    }

    /// <summary>Sealed batches not yet anchored, in order.</summary>
    public List<BatchRecord> Unanchored()
    {
        var list = new List<BatchRecord>();
        for (ulong n = AnchoredBatches; n < NextBatch; n++) list.Add(GetBatch(n) ?? throw new InvalidDataException($"gateway store: batch {n} is missing"));
        return list;
    }

    // ---- keys

    private ulong ReadCounter(byte[] key)
    {
        var bytes = _db.Get(key);
        return bytes is null ? 0 : U64(bytes, "counter");
    }

    private static ulong U64(ReadOnlySpan<byte> bytes, string what)
    {
        if (bytes.Length != 8) throw new InvalidDataException($"gateway store: corrupt {what} record");
        return BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }

    private static byte[] BigEndian(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] OrderKey(ulong order) => BatchKey(OrderPrefix, order);

    private static byte[] BatchKey(byte prefix, ulong number)
    {
        var key = new byte[9];
        key[0] = prefix;
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), number);
        return key;
    }

    private static byte[] DeviceKey(string deviceId)
    {
        var key = new byte[1 + deviceId.Length];
        key[0] = DevicePrefix;
        Encoding.ASCII.GetBytes(deviceId, key.AsSpan(1));
        return key;
    }

    /// <summary><c>R|deviceId|0</c>: ids never contain byte 0, so one device's keys never run into another's.</summary>
    private static byte[] SequencePrefixOf(string deviceId)
    {
        var key = new byte[2 + deviceId.Length];
        key[0] = SequencePrefix;
        Encoding.ASCII.GetBytes(deviceId, key.AsSpan(1));
        return key;
    }

    private static byte[] SequenceKey(string deviceId, ulong sequence)
    {
        var key = new byte[10 + deviceId.Length];
        key[0] = SequencePrefix;
        Encoding.ASCII.GetBytes(deviceId, key.AsSpan(1));
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(2 + deviceId.Length), sequence);
        return key;
    }

    public void Dispose()
    {
        _db.Dispose();
    }
}
