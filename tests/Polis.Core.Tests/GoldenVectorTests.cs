using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;

namespace Polis.Core.Tests;

/// <summary>
/// The exact bytes (or their SHA-256, for the long ones) of every encoded type. A failure here means
/// the wire or hash format changed: that breaks every signature and every stored block, so it must
/// be deliberate, never an accident.
/// </summary>
public sealed class GoldenVectorTests
{
    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
    private static string HashHex(byte[] bytes) => Sha256.Hash(bytes).ToString();

    [Fact]
    public void Sha256_of_abc_is_the_FIPS_180_value() =>
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Sha256.Hash("abc"u8).ToString());

    [Fact]
    public void Ed25519_matches_RFC_8032_test_vector_1()
    {
        using var key = KeyPair.FromSeed(Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        Assert.Equal("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", key.PublicKey.ToString());
        var signature = key.Sign([]);
        Assert.Equal("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b", signature.ToString());
        Assert.True(key.PublicKey.Verify([], signature));
    }

    [Fact]
    public void Golden_transaction() => Check("transaction", Hex(Build.Tx().Encoded), Build.Tx().Hash.ToString());

    [Fact]
    public void Golden_votes()
    {
        Check("prevote", Hex(Build.Prevote(Build.Id(1)).ToBytes()), "");
        Check("precommit", Hex(Build.Precommit(Build.Id(1)).ToBytes()), "");
        Check("nil prevote", Hex(Build.Prevote(Hash32.Zero).ToBytes()), "");
    }

    [Fact]
    public void Golden_proposals()
    {
        Check("fresh proposal", Hex(Proposal.Create(Build.ChainId, Build.Keys[1], 2, 1, -1, Build.Id(1)).ToBytes()), "");
        Check("re-proposal", Hex(Proposal.Create(Build.ChainId, Build.Keys[1], 2, 3, 1, Build.Id(1)).ToBytes()), "");
    }

    [Fact]
    public void Golden_commit() => Check("commit", HashHex(Build.Commit(Build.Id(1)).ToBytes()), Build.Commit(Build.Id(1)).Hash().ToString());

    [Fact]
    public void Golden_headers_and_blocks()
    {
        Check("block 1 header", Hex(Build.Block1().Header.ToBytes()), Build.Block1().Id.ToString());
        Check("block 1", HashHex(Build.Block1().ToBytes()), "");
        Check("block 2", HashHex(Build.Block2().ToBytes()), Build.Block2().Id.ToString());
    }

    [Fact]
    public void Golden_evidence_validators_proof_and_address()
    {
        var evidence = new DuplicateVoteEvidence(Build.Prevote(Build.Id(2), 2), Build.Prevote(Build.Id(1), 2));
        Check("evidence", HashHex(evidence.ToBytes()), evidence.Hash().ToString());
        var w = new CanonicalWriter();
        Build.Validators.Encode(w);
        Check("validator set", HashHex(w.ToArray()), Build.Validators.Hash.ToString());
        Check("merkle proof", Hex(Build.Proof().ToBytes()), "");
        Check("address", Build.Alice.Address.ToString(), "");
    }

    private static void Check(string name, string encoding, string hash)
    {
        if (Environment.GetEnvironmentVariable("POLIS_GOLDEN_PRINT") is { } file)
        {
            lock (Golden.Values) File.AppendAllText(file, $"        [\"{name}\"] = (\"{encoding}\", \"{hash}\"),\n");
            return;
        }
        Assert.True(Golden.Values.TryGetValue(name, out var expected), $"no golden value for '{name}': encoding {encoding} hash {hash}");
        Assert.Equal(expected.Encoding, encoding);
        Assert.Equal(expected.Hash, hash);
    }
}
