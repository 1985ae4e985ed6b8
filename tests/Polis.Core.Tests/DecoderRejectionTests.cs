using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;

namespace Polis.Core.Tests;

/// <summary>Field values a decoder must refuse even though the bytes have the right shape.</summary>
public class DecoderRejectionTests
{
    private static readonly Hash32 BlockId = Build.HashOf("block");

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(255)]
    public void Vote_with_an_unknown_type_is_rejected(byte type)
    {
        var bytes = Build.Prevote(0, 1, 0, BlockId).ToBytes();
        bytes[0] = type;
        Assert.Contains("vote type", Assert.Throws<CodecException>(() => Vote.Decode(bytes)).Message);
    }

    [Fact]
    public void Vote_at_height_0_or_with_a_negative_round_is_rejected()
    {
        var vote = Build.Prevote(0, 1, 0, BlockId);
        Assert.Throws<CodecException>(() => Vote.Decode((vote with { Height = 0 }).ToBytes()));
        Assert.Throws<CodecException>(() => Vote.Decode((vote with { Round = -1 }).ToBytes()));
        Assert.Throws<CodecException>(() => Vote.Decode((vote with { Round = int.MinValue }).ToBytes()));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(3, 3)]
    [InlineData(3, 4)]
    [InlineData(3, -2)]
    [InlineData(3, int.MinValue)]
    [InlineData(-1, -1)]
    public void Proposal_with_a_valid_round_that_is_not_minus_1_or_below_the_round_is_rejected(int round, int validRound)
    {
        var proposal = new Proposal(1, round, validRound, BlockId, Build.Validator(0).Address, default);
        Assert.Throws<CodecException>(() => Proposal.Decode(proposal.ToBytes()));
    }

    [Fact]
    public void Proposal_for_nil_or_at_height_0_is_rejected()
    {
        var proposal = Proposal.Create(Build.ChainId, Build.Validator(0), 1, 0, -1, BlockId);
        Assert.Throws<CodecException>(() => Proposal.Decode((proposal with { BlockId = Hash32.Zero }).ToBytes()));
        Assert.Throws<CodecException>(() => Proposal.Decode((proposal with { Height = 0 }).ToBytes()));
    }

    [Fact]
    public void Transaction_for_an_unknown_module_is_rejected()
    {
        var bytes = Build.Transfer(0).Encoded;
        int moduleOffset = 2 + Build.ChainId.Length + PublicKey.Size + 8;
        Assert.Equal(Build.AnyModule.Value, bytes[moduleOffset]);
        bytes[moduleOffset] = 0;
        Assert.Contains("module", Assert.Throws<CodecException>(() => Transaction.Decode(bytes)).Message);
        Assert.False(Transaction.TryDecode(bytes, out var tx, out var error));
        Assert.Null(tx);
        Assert.Contains("module", error);
    }

    [Theory]
    [InlineData("Polis")]
    [InlineData("polis test")]
    [InlineData("polis_test")]
    [InlineData("pölis")]
    public void Transaction_with_an_invalid_chain_id_cannot_be_created_or_decoded(string chainId)
    {
        Assert.Throws<ArgumentException>(() => Transaction.Create(chainId, Build.User, 0, Build.AnyModule, []));
        var valid = Build.Transfer(0);
        var w = new CanonicalWriter();
        w.WriteString(chainId);
        w.WriteRaw(valid.Encoded.AsSpan(2 + Build.ChainId.Length));
        Assert.Throws<CodecException>(() => Transaction.Decode(w.ToArray()));
    }

    [Fact]
    public void Transaction_body_over_the_limit_cannot_be_created()
    {
        Assert.Throws<ArgumentException>(() => Transaction.Create(Build.ChainId, Build.User, 0, Build.AnyModule, new byte[Limits.TxBodyBytesMax + 1]));
        Assert.True(Transaction.Create(Build.ChainId, Build.User, 0, Build.AnyModule, new byte[Limits.TxBodyBytesMax]).VerifySignature());
    }

    [Fact]
    public void Chain_id_that_is_not_utf8_is_rejected_as_a_codec_error()
    {
        var w = new CanonicalWriter();
        w.WriteU16(2);
        w.WriteRaw([0xC3, 0x28]);
        Assert.Throws<CodecException>(() => Transaction.Decode(w.ToArray()));
    }

    [Fact]
    public void Block_with_a_has_last_commit_flag_other_than_0_or_1_is_rejected()
    {
        var bytes = Build.Block1().ToBytes();
        bytes[^5] = 2; // the flag sits before the 4-byte evidence count
        Assert.Contains("boolean", Assert.Throws<CodecException>(() => Block.Decode(bytes)).Message);
    }

    [Fact]
    public void Block_over_the_size_limit_is_rejected_before_parsing()
    {
        Assert.Contains("exceeds", Assert.Throws<CodecException>(() => Block.Decode(new byte[Limits.BlockBytesMax + 1])).Message);
    }
}
