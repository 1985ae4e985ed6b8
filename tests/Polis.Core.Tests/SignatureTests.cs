using CsCheck;
using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Core.Tests;

public sealed class SignatureTests
{
    private static readonly Gen<string> GenChainId = Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-."].Array[1, 50].Select(c => new string(c));

    [Fact]
    public void A_signature_over_one_chain_id_never_verifies_for_another() =>
        Gen.Select(GenChainId, GenChainId).Where((a, b) => a != b).Sample((a, b) =>
        {
            var key = Build.Keys[0];
            var vote = Vote.Create(a, key, VoteType.Precommit, 5, 0, Build.Id(1));
            Assert.True(vote.Verify(a, key.PublicKey));
            Assert.False(vote.Verify(b, key.PublicKey));
            var proposal = Proposal.Create(a, key, 5, 0, -1, Build.Id(1));
            Assert.False(proposal.Verify(b, key.PublicKey));
            var tx = Transaction.Create(a, key, 0, ModuleId.Accounts, [1]);
            var relabelled = Transaction.Create(b, key, 0, ModuleId.Accounts, [1]);
            Assert.False(key.PublicKey.Verify(relabelled.SignBytes(), tx.Signature));
        }, iter: 50);

    [Fact]
    public void Flipping_any_bit_of_a_signed_transaction_breaks_its_signature_or_its_decoding()
    {
        var tx = Build.Tx();
        Assert.True(tx.VerifySignature());
        var bytes = tx.Encoded;
        for (int bit = 0; bit < bytes.Length * 8; bit++)
        {
            var flipped = (byte[])bytes.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            if (Transaction.TryDecode(flipped, out var decoded, out _))
                Assert.False(decoded!.VerifySignature(), $"bit {bit} flipped still verifies");
        }
    }

    [Fact]
    public void A_vote_claiming_another_validators_address_does_not_verify()
    {
        var vote = Build.Prevote(Build.Id(1), validator: 0);
        var forged = vote with { Validator = Build.Keys[1].Address };
        Assert.False(forged.Verify(Build.ChainId, Build.Keys[1].PublicKey));
        Assert.False(forged.Verify(Build.ChainId, Build.Keys[0].PublicKey));
    }

    [Fact]
    public void Votes_and_transactions_are_signed_in_different_domains()
    {
        var vote = Vote.SignBytes(Build.ChainId, VoteType.Prevote, 1, 0, Build.Id(1));
        var proposal = Proposal.SignBytes(Build.ChainId, 1, 0, -1, Build.Id(1));
        Assert.Equal(SignDomain.Vote, vote[0]);
        Assert.Equal(SignDomain.Proposal, proposal[0]);
        Assert.Equal(SignDomain.Transaction, Build.Tx().SignBytes()[0]);
    }

    [Fact]
    public void A_public_key_that_is_not_a_curve_point_verifies_nothing()
    {
        var bogus = PublicKey.FromBytes(Enumerable.Repeat((byte)0xFF, 32).ToArray());
        Assert.False(bogus.Verify([1, 2, 3], Build.Keys[0].Sign([1, 2, 3])));
    }

    [Fact]
    public void The_caching_verifier_gives_the_same_verdicts_and_checks_each_signature_once()
    {
        var verifier = new CachingSignatureVerifier();
        var key = Build.Keys[0];
        var signature = key.Sign([1]);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(verifier.Verify(key.PublicKey, [1], signature));
            Assert.False(verifier.Verify(key.PublicKey, [2], signature));
        }
        Assert.Equal(2, verifier.Misses);
        Assert.Equal(4, verifier.Hits);
    }
}
