using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;

namespace Polis.Core.Tests;

/// <summary>Commit.Verify against a validator set of four validators of power 10.</summary>
public class CommitTests
{
    private static readonly Hash32 BlockId = Build.HashOf("committed");

    private static string Verify(Commit commit, ulong height = 7) => commit.Verify(Build.ChainId, Build.Validators, height, BlockId);

    [Fact]
    public void Commit_with_three_of_four_precommits_is_valid()
    {
        Assert.Equal("", Verify(Build.Commit(7, 2, BlockId, 0, 1, 2)));
        Assert.Equal("", Verify(Build.Commit(7, 2, BlockId, 1, 2, 3)));
        Assert.Equal("", Verify(Build.Commit(7, 2, BlockId, 0, 1, 2, 3)));
    }

    [Fact]
    public void Commit_with_two_of_four_precommits_lacks_power()
    {
        Assert.Contains("two thirds", Verify(Build.Commit(7, 0, BlockId, 0, 3)));
        Assert.Contains("two thirds", Verify(Build.Commit(7, 0, BlockId)));
    }

    [Fact]
    public void Commit_needs_power_not_head_count()
    {
        var keys = new[] { Build.Validator(0), Build.Validator(1), Build.Validator(2), Build.Validator(3) };
        var weighted = new ValidatorSet([.. keys.Select((k, i) => new Validator(k.PublicKey, i == 0 ? 10UL : 1UL))]);
        Assert.Equal("", Build.Commit(7, 0, BlockId, 0).Verify(Build.ChainId, weighted, 7, BlockId));
        Assert.Contains("two thirds", Build.Commit(7, 0, BlockId, 1, 2, 3).Verify(Build.ChainId, weighted, 7, BlockId));
    }

    [Fact]
    public void Commit_with_unordered_or_duplicate_indices_is_rejected()
    {
        Assert.Contains("increasing", Verify(Build.Commit(7, 0, BlockId, 1, 0, 2)));
        Assert.Contains("increasing", Verify(Build.Commit(7, 0, BlockId, 0, 0, 1, 2)));
        Assert.Contains("increasing", Verify(Build.Commit(7, 0, BlockId, 0, 1, 1)));
    }

    [Fact]
    public void Commit_naming_a_validator_outside_the_set_is_rejected()
    {
        var valid = Build.Commit(7, 0, BlockId, 0, 1, 2);
        var outside = new Commit(7, 0, BlockId, [.. valid.Signatures, new CommitSignature(4, valid.Signatures[0].Signature)]);
        Assert.Contains("validator 4 of 4", Verify(outside));
    }

    [Fact]
    public void Commit_with_a_bad_signature_is_rejected_even_with_enough_good_ones()
    {
        var valid = Build.Commit(7, 0, BlockId, 0, 1, 2, 3);
        var sigs = valid.Signatures.ToArray();
        var flipped = sigs[3].Signature.ToArray();
        flipped[10] ^= 0x01;
        sigs[3] = sigs[3] with { Signature = new Signature(flipped) };
        Assert.Contains("bad signature from validator 3", Verify(new Commit(7, 0, BlockId, sigs)));
    }

    [Fact]
    public void Signature_moved_to_another_validators_slot_is_rejected()
    {
        var valid = Build.Commit(7, 0, BlockId, 0, 1, 2);
        var sigs = valid.Signatures.ToArray();
        sigs[2] = sigs[2] with { ValidatorIndex = 3 };
        Assert.Contains("bad signature from validator 3", Verify(new Commit(7, 0, BlockId, sigs)));
    }

    [Fact]
    public void Commit_for_another_height_or_block_is_rejected()
    {
        var commit = Build.Commit(7, 0, BlockId, 0, 1, 2);
        Assert.Contains("height 7, expected 8", Verify(commit, height: 8));
        Assert.Contains("expected", commit.Verify(Build.ChainId, Build.Validators, 7, Build.HashOf("other")));
    }

    [Fact]
    public void Precommits_signed_for_another_round_height_or_block_do_not_count()
    {
        var forRound1 = Build.Commit(7, 1, BlockId, 0, 1, 2);
        Assert.Contains("bad signature", Verify(new Commit(7, 0, BlockId, [.. forRound1.Signatures])));
        var forHeight8 = Build.Commit(8, 0, BlockId, 0, 1, 2);
        Assert.Contains("bad signature", Verify(new Commit(7, 0, BlockId, [.. forHeight8.Signatures])));
        var forOther = Build.Commit(7, 0, Build.HashOf("other"), 0, 1, 2);
        Assert.Contains("bad signature", Verify(new Commit(7, 0, BlockId, [.. forOther.Signatures])));
    }

    [Fact]
    public void Prevotes_and_precommits_from_another_chain_do_not_count()
    {
        var prevotes = new[] { 0, 1, 2 }.Select(i => new CommitSignature((ushort)i, Build.Prevote(i, 7, 0, BlockId).Signature)).ToArray();
        Assert.Contains("bad signature", Verify(new Commit(7, 0, BlockId, prevotes)));
        var otherChain = new[] { 0, 1, 2 }.Select(i => new CommitSignature((ushort)i,
            Vote.Create("other-chain", Build.Validator(i), VoteType.Precommit, 7, 0, BlockId).Signature)).ToArray();
        Assert.Contains("bad signature", Verify(new Commit(7, 0, BlockId, otherChain)));
    }

    [Fact]
    public void Commit_hash_changes_with_the_signer_set()
    {
        Assert.NotEqual(Build.Commit(7, 0, BlockId, 0, 1, 2).Hash(), Build.Commit(7, 0, BlockId, 0, 1, 3).Hash());
        Assert.Equal(Build.Commit(7, 0, BlockId, 0, 1, 2).Hash(), Build.Commit(7, 0, BlockId, 0, 1, 2).Hash());
    }

    [Fact]
    public void Decoder_rejects_unordered_indices_nil_block_height_0_and_negative_round()
    {
        Assert.Throws<CodecException>(() => Commit.Decode(Build.Commit(7, 0, BlockId, 1, 0, 2).ToBytes()));
        Assert.Throws<CodecException>(() => Commit.Decode(Build.Commit(7, 0, BlockId, 0, 0, 2).ToBytes()));
        Assert.Throws<CodecException>(() => Commit.Decode(new Commit(7, 0, Hash32.Zero, []).ToBytes()));
        Assert.Throws<CodecException>(() => Commit.Decode(new Commit(0, 0, BlockId, []).ToBytes()));
        Assert.Throws<CodecException>(() => Commit.Decode(new Commit(7, -1, BlockId, []).ToBytes()));
    }
}
