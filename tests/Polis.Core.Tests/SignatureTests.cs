using CsCheck;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;

namespace Polis.Core.Tests;

/// <summary>What a signature binds: the chain, every signed byte, and the claimed signer.</summary>
public class SignatureTests
{
    private static readonly Hash32 BlockId = Build.HashOf("block");

    [Fact]
    public void Vote_signature_over_one_chain_id_never_verifies_for_another()
    {
        Gen.Select(Gens.TwoChainIds, Gens.VoteType, Gens.Height, Gens.Round, Gens.Hash).Sample((chains, type, height, round, blockId) =>
        {
            var key = Build.Validator(0);
            var vote = Vote.Create(chains.Item1, key, type, height, round, blockId);
            Assert.True(vote.Verify(chains.Item1, key.PublicKey));
            Assert.False(vote.Verify(chains.Item2, key.PublicKey));
        }, iter: 150);
    }

    [Fact]
    public void Proposal_signature_over_one_chain_id_never_verifies_for_another()
    {
        Gen.Select(Gens.TwoChainIds, Gens.Height, Gen.Int[0, 1000], Gens.NonZeroHash).Sample((chains, height, round, blockId) =>
        {
            var key = Build.Validator(1);
            var proposal = Proposal.Create(chains.Item1, key, height, round, -1, blockId);
            Assert.True(proposal.Verify(chains.Item1, key.PublicKey));
            Assert.False(proposal.Verify(chains.Item2, key.PublicKey));
        }, iter: 150);
    }

    [Fact]
    public void Transaction_signature_over_one_chain_id_never_verifies_for_another()
    {
        Gen.Select(Gens.TwoChainIds, Gen.ULong, Gen.Byte.Array[0, 64]).Sample((chains, nonce, body) =>
        {
            var tx = Transaction.Create(chains.Item1, Build.User, nonce, Build.AnyModule, body);
            Assert.True(tx.VerifySignature());
            var replayed = Transaction.Decode(TransactionBytes(chains.Item2, tx.Sender, nonce, body, tx.Signature));
            Assert.Equal(chains.Item2, replayed.ChainId);
            Assert.False(replayed.VerifySignature());
        }, iter: 150);
    }

    [Fact]
    public void Transaction_built_by_hand_from_the_same_fields_is_byte_identical_to_create()
    {
        var tx = Build.Transfer(3);
        Assert.Equal(tx.Encoded, TransactionBytes(tx.ChainId, tx.Sender, tx.Nonce, tx.Body, tx.Signature));
    }

    [Fact]
    public void Flipping_any_bit_of_signed_vote_bytes_or_of_the_signature_fails_verification()
    {
        var key = Build.Validator(0);
        var message = Vote.SignBytes(Build.ChainId, VoteType.Precommit, 5, 2, BlockId);
        AssertEveryBitFlipFails(key, message);
    }

    [Fact]
    public void Flipping_any_bit_of_signed_proposal_bytes_or_of_the_signature_fails_verification()
    {
        AssertEveryBitFlipFails(Build.Validator(1), Proposal.SignBytes(Build.ChainId, 5, 2, 1, BlockId));
    }

    [Fact]
    public void Flipping_any_bit_of_an_encoded_transaction_makes_it_undecodable_or_unverifiable()
    {
        var encoded = Build.Transfer(9).Encoded;
        for (int bit = 0; bit < encoded.Length * 8; bit++)
        {
            var flipped = encoded.ToArray();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            if (Transaction.TryDecode(flipped, out var tx, out _))
                Assert.False(tx!.VerifySignature(), $"bit {bit}");
        }
    }

    [Fact]
    public void Changing_any_signed_field_of_a_vote_fails_verification()
    {
        var key = Build.Validator(0);
        var vote = Build.Prevote(0, 5, 2, BlockId);
        Assert.True(vote.Verify(Build.ChainId, key.PublicKey));
        Assert.False((vote with { Type = VoteType.Precommit }).Verify(Build.ChainId, key.PublicKey));
        Assert.False((vote with { Height = 6 }).Verify(Build.ChainId, key.PublicKey));
        Assert.False((vote with { Round = 3 }).Verify(Build.ChainId, key.PublicKey));
        Assert.False((vote with { BlockId = Hash32.Zero }).Verify(Build.ChainId, key.PublicKey));
    }

    [Fact]
    public void Changing_the_valid_round_of_a_proposal_fails_verification()
    {
        var key = Build.Validator(1);
        var proposal = Proposal.Create(Build.ChainId, key, 5, 2, -1, BlockId);
        Assert.False((proposal with { ValidRound = 1 }).Verify(Build.ChainId, key.PublicKey));
    }

    [Fact]
    public void Vote_claiming_another_validators_address_fails_verify()
    {
        var signer = Build.Validator(0);
        var victim = Build.Validator(1);
        var forged = Build.Prevote(0, 5, 0, BlockId) with { Validator = victim.Address };
        Assert.False(forged.Verify(Build.ChainId, signer.PublicKey));
        Assert.False(forged.Verify(Build.ChainId, victim.PublicKey));
    }

    [Fact]
    public void Proposal_claiming_another_validators_address_fails_verify()
    {
        var forged = Proposal.Create(Build.ChainId, Build.Validator(0), 5, 0, -1, BlockId) with { Proposer = Build.Validator(1).Address };
        Assert.False(forged.Verify(Build.ChainId, Build.Validator(0).PublicKey));
        Assert.False(forged.Verify(Build.ChainId, Build.Validator(1).PublicKey));
    }

    [Fact]
    public void Prevote_signature_does_not_verify_as_a_precommit_and_vote_bytes_do_not_verify_as_a_proposal()
    {
        var key = Build.Validator(0);
        var prevote = Build.Prevote(0, 5, 0, BlockId);
        Assert.False(key.PublicKey.Verify(Vote.SignBytes(Build.ChainId, VoteType.Precommit, 5, 0, BlockId), prevote.Signature));
        Assert.False(key.PublicKey.Verify(Proposal.SignBytes(Build.ChainId, 5, 0, -1, BlockId), prevote.Signature));
    }

    [Fact]
    public void Evidence_verifies_only_against_the_equivocating_validators_key()
    {
        var evidence = Build.Equivocation(4);
        Assert.True(evidence.Verify(Build.ChainId, Build.Validator(3).PublicKey));
        Assert.False(evidence.Verify(Build.ChainId, Build.Validator(2).PublicKey));
        Assert.False(evidence.Verify("other-chain", Build.Validator(3).PublicKey));
    }

    [Fact]
    public void Evidence_of_two_votes_for_the_same_block_or_from_different_validators_is_refused()
    {
        var a = Build.Prevote(3, 4, 0, BlockId);
        Assert.Throws<ArgumentException>(() => new DuplicateVoteEvidence(a, a));
        Assert.Throws<ArgumentException>(() => new DuplicateVoteEvidence(a, Build.Prevote(2, 4, 0, Build.HashOf("other"))));
        Assert.Throws<ArgumentException>(() => new DuplicateVoteEvidence(a, Build.Precommit(3, 4, 0, Build.HashOf("other"))));
        Assert.Throws<ArgumentException>(() => new DuplicateVoteEvidence(a, Build.Prevote(3, 4, 1, Build.HashOf("other"))));
    }

    [Fact]
    public void Evidence_orders_its_votes_by_block_id_whatever_the_order_given()
    {
        var a = Build.Prevote(3, 4, 0, Build.HashOf("x"));
        var b = Build.Prevote(3, 4, 0, Build.HashOf("y"));
        Assert.Equal(new DuplicateVoteEvidence(a, b).ToBytes(), new DuplicateVoteEvidence(b, a).ToBytes());
    }

    [Fact]
    public void Evidence_bytes_with_the_votes_out_of_order_are_rejected()
    {
        var evidence = Build.Equivocation(4);
        byte[] swapped = [.. evidence.VoteB.ToBytes(), .. evidence.VoteA.ToBytes()];
        Assert.Throws<CodecException>(() => DuplicateVoteEvidence.Decode(swapped));
    }

    [Fact]
    public void A_public_key_that_is_not_a_curve_point_verifies_nothing_and_does_not_throw()
    {
        // y = 2 is not the y-coordinate of any point on edwards25519.
        var bytes = new byte[PublicKey.Size];
        bytes[0] = 2;
        var key = PublicKey.FromBytes(bytes);
        Assert.False(key.Verify("message"u8, Build.User.Sign("message"u8)));
        Assert.False(key.Verify("message"u8, default));
    }

    private static void AssertEveryBitFlipFails(KeyPair key, byte[] message)
    {
        var signature = key.Sign(message);
        Assert.True(key.PublicKey.Verify(message, signature));
        for (int bit = 0; bit < message.Length * 8; bit++)
        {
            var flipped = message.ToArray();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(key.PublicKey.Verify(flipped, signature), $"message bit {bit}");
        }
        var sig = signature.ToArray();
        for (int bit = 0; bit < Signature.Size * 8; bit++)
        {
            var flipped = sig.ToArray();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(key.PublicKey.Verify(message, new Signature(flipped)), $"signature bit {bit}");
        }
    }

    /// <summary>A transaction encoding written field by field, so a signature can be moved to another chain.</summary>
    private static byte[] TransactionBytes(string chainId, PublicKey sender, ulong nonce, byte[] body, Signature signature)
    {
        var w = new CanonicalWriter();
        w.WriteString(chainId);
        w.WritePublicKey(sender);
        w.WriteU64(nonce);
        w.WriteU8(Build.AnyModule.Value);
        w.WriteBytes(body);
        w.WriteSignature(signature);
        return w.ToArray();
    }
}
