using System.Buffers.Binary;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;
using Polis.Core.Merkle;

namespace Polis.Core.Tests;

/// <summary>
/// A declared length or count is checked against the limit and against the bytes actually left
/// before anything is allocated: a 10-byte message claiming 4 billion items costs nothing.
/// </summary>
public class HostileLengthTests
{
    /// <summary>Far below what any of the claimed counts would cost if allocated.</summary>
    private const long AllocationBytesMax = 256 * 1024;

    public static TheoryData<string, uint> Claims()
    {
        var data = new TheoryData<string, uint>();
        foreach (var field in new[] { "transaction body", "commit signatures", "validators", "merkle siblings", "block transactions", "block transaction length", "block evidence" })
        {
            data.Add(field, 0xFFFF_FFFF);
            data.Add(field, 0x8000_0000);
        }
        // Within each limit, but more than the bytes left can hold.
        data.Add("transaction body", Limits.TxBodyBytesMax);
        data.Add("commit signatures", Limits.ValidatorsMax);
        data.Add("validators", Limits.ValidatorsMax);
        data.Add("merkle siblings", Limits.MerkleProofDepthMax);
        data.Add("block transactions", Limits.BlockTxsMax);
        data.Add("block transaction length", Limits.TxBytesMax);
        data.Add("block evidence", Limits.BlockEvidenceMax);
        return data;
    }

    [Theory, MemberData(nameof(Claims))]
    public void A_huge_declared_length_or_count_is_rejected_before_allocation(string field, uint claim)
    {
        var (bytes, offset, decode) = Target(field);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(offset), claim);
        Assert.Throws<CodecException>(() => decode(bytes)); // warm up: first-call JIT and type loading allocate too
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<CodecException>(() => decode(bytes));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < AllocationBytesMax, $"decoding allocated {allocated} bytes");
    }

    [Fact]
    public void A_chain_id_declaring_65535_bytes_is_rejected()
    {
        var bytes = Build.Transfer(0).Encoded;
        bytes[0] = 0xFF;
        bytes[1] = 0xFF;
        Assert.Throws<CodecException>(() => Transaction.Decode(bytes));
    }

    /// <summary>An encoding of the named type and the offset of the u32 length or count to overwrite.</summary>
    private static (byte[] Bytes, int Offset, Func<byte[], object> Decode) Target(string field)
    {
        var tx = Build.Transfer(0);
        int headerLength = Build.Header1().ToBytes().Length;
        return field switch
        {
            "transaction body" => (tx.Encoded, 2 + Build.ChainId.Length + PublicKey.Size + 8 + 1, b => Transaction.Decode(b)),
            "commit signatures" => (Build.Commit(1, 0, Build.HashOf("b"), 0, 1, 2).ToBytes(), 8 + 4 + Hash32.Size, b => Commit.Decode(b)),
            "validators" => (Build.Encode(Build.Validators), 0, b => Build.DecodeValidatorSet(b)),
            "merkle siblings" => (MerkleTree.Prove([Build.HashOf("a"), Build.HashOf("b"), Build.HashOf("c")], 1).ToBytes(), 16, b => MerkleProof.Decode(b)),
            "block transactions" => (Build.Block2().ToBytes(), headerLength, b => Block.Decode(b)),
            "block transaction length" => (Build.Block2().ToBytes(), headerLength + 4, b => Block.Decode(b)),
            "block evidence" => (Build.Block1().ToBytes(), headerLength + 4 + 1, b => Block.Decode(b)),
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };
    }
}
