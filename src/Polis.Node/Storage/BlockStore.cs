using System.Buffers.Binary;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.State.Storage;
using RocksDbSharp;

namespace Polis.Node.Storage;

/// <summary>
/// Blocks, their commits and the transaction index, in the state's RocksDB. A height's records are
/// staged into the same WriteBatch as that height's state version (see
/// <see cref="RocksDbStateStorage.StageWrite"/>), so after a crash at any instant the store holds
/// either the whole height (block, commit, index, state) or none of it.
/// Keys: <c>B|height</c> block, <c>C|height</c> commit, <c>R|height</c> outcome (results and events),
/// <c>I|blockId</c> height, <c>T|txHash</c> location, <c>L</c> latest height. Reads are safe from any thread.
/// </summary>
public sealed class BlockStore(RocksDbStateStorage storage)
{
    private const byte BlockPrefix = (byte)'B';
    private const byte CommitPrefix = (byte)'C';
    private const byte BlockIdPrefix = (byte)'I';
    private const byte TxPrefix = (byte)'T';
    private const byte OutcomePrefix = (byte)'R';
    private static readonly byte[] LatestKey = [(byte)'L'];

    private RocksDb Db => storage.Database;

    public ulong LatestHeight
    {
        get
        {
            var bytes = Db.Get(LatestKey);
            if (bytes is null) return 0;
            if (bytes.Length != 8) throw new CodecException("corrupt latest-height record");
            return BinaryPrimitives.ReadUInt64BigEndian(bytes);
        }
    }

    /// <summary>Stages a decided height's records; they land with the next state version.</summary>
    public void Stage(Block block, Commit commit, BlockOutcome outcome)
    {
        var results = outcome.Results;
        storage.StageWrite(HeightKey(BlockPrefix, block.Height), block.ToBytes());
        storage.StageWrite(HeightKey(CommitPrefix, block.Height), commit.ToBytes());
        storage.StageWrite(HeightKey(OutcomePrefix, block.Height), BlockOutcomeCodec.Encode(outcome));
        storage.StageWrite(HashKey(BlockIdPrefix, block.Id), U64(block.Height));
        for (int i = 0; i < results.Count; i++)
        {
            var r = results[i];
            storage.StageWrite(HashKey(TxPrefix, r.TxHash), new TxLocation(block.Height, i, r.Code, r.Message).ToBytes());
        }
        storage.StageWrite(LatestKey, U64(block.Height));
    }

    public Block? GetBlock(ulong height)
    {
        var bytes = Db.Get(HeightKey(BlockPrefix, height));
        return bytes is null ? null : Block.Decode(bytes);
    }

    /// <summary>The encoded block, to serve peers without a decode/encode round trip.</summary>
    public byte[]? GetBlockBytes(ulong height) => Db.Get(HeightKey(BlockPrefix, height));
    public byte[]? GetCommitBytes(ulong height) => Db.Get(HeightKey(CommitPrefix, height));

    public Commit? GetCommit(ulong height)
    {
        var bytes = Db.Get(HeightKey(CommitPrefix, height));
        return bytes is null ? null : Commit.Decode(bytes);
    }

    /// <summary>What <paramref name="block"/> (as stored at its height) did: results and events; null when it is not stored.</summary>
    public BlockOutcome? GetOutcome(Block block)
    {
        var bytes = Db.Get(HeightKey(OutcomePrefix, block.Height));
        return bytes is null ? null : BlockOutcomeCodec.Decode(bytes, block);
    }

    public ulong? HeightOf(in Hash32 blockId)
    {
        var bytes = Db.Get(HashKey(BlockIdPrefix, blockId));
        return bytes is { Length: 8 } ? BinaryPrimitives.ReadUInt64BigEndian(bytes) : null;
    }

    public TxLocation? FindTransaction(in Hash32 txHash)
    {
        var bytes = Db.Get(HashKey(TxPrefix, txHash));
        return bytes is null ? null : TxLocation.Decode(bytes);
    }

    private static byte[] HeightKey(byte prefix, ulong height)
    {
        var key = new byte[9];
        key[0] = prefix;
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), height);
        return key;
    }

    private static byte[] HashKey(byte prefix, in Hash32 hash)
    {
        var key = new byte[1 + Hash32.Size];
        key[0] = prefix;
        hash.WriteTo(key.AsSpan(1));
        return key;
    }

    private static byte[] U64(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }
}
