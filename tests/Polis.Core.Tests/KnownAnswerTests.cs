using Polis.Core.Crypto;
using Polis.Core.Merkle;

namespace Polis.Core.Tests;

/// <summary>Published test vectors: they show the primitives are wired to the right algorithms.</summary>
public class KnownAnswerTests
{
    [Fact]
    public void Ed25519_matches_RFC_8032_test_vector_1()
    {
        using var key = KeyPair.FromSeed(Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        Assert.Equal("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", key.PublicKey.ToString());
        var signature = key.Sign([]);
        Assert.Equal(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            signature.ToString());
        Assert.True(key.PublicKey.Verify([], signature));
    }

    [Fact]
    public void Ed25519_matches_RFC_8032_test_vector_2()
    {
        using var key = KeyPair.FromSeed(Convert.FromHexString("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));
        Assert.Equal("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", key.PublicKey.ToString());
        Assert.Equal(
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
            key.Sign([0x72]).ToString());
    }

    [Fact]
    public void Seed_export_gives_back_the_seed_the_key_was_made_from()
    {
        var seed = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        using var key = KeyPair.FromSeed(seed);
        Assert.Equal(seed, key.ExportSeed());
    }

    [Fact]
    public void Sha256_of_abc_matches_FIPS_180_2()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Sha256.Hash("abc"u8).ToString());
    }

    [Fact]
    public void Sha256_with_a_domain_tag_is_the_hash_of_the_tag_followed_by_the_data()
    {
        Assert.Equal(Sha256.Hash([0x07, .. "abc"u8]), Sha256.Hash(0x07, "abc"u8));
        // Every route through the helpers (libsodium up to two blocks, OpenSSL above; tagged inputs
        // on the stack or appended) against .NET's one-shot SHA-256, at each boundary.
        foreach (int size in new[] { 0, 1, 55, 56, 63, 64, 118, 119, 120, 200, 1022, 1023, 1024, 5000 })
        {
            var data = Enumerable.Range(0, size).Select(i => (byte)(i * 7 + 3)).ToArray();
            Assert.Equal(new Hash32(System.Security.Cryptography.SHA256.HashData(data)), Sha256.Hash(data));
            Assert.Equal(new Hash32(System.Security.Cryptography.SHA256.HashData([0x07, .. data])), Sha256.Hash(0x07, data));
        }
        var left = Sha256.Hash("l"u8);
        var right = Sha256.Hash("r"u8);
        Assert.Equal(Sha256.Hash([0x01, .. left.ToArray(), .. right.ToArray()]), Sha256.Hash(0x01, left, right));
    }

    [Fact]
    public void Sha256_comes_from_OpenSSL_where_libcrypto_3_is_and_every_route_agrees_with_dotnet()
    {
        // The fast route must not fall back silently where libcrypto 3 is (Linux with OpenSSL 3).
        if (OperatingSystem.IsLinux() && System.Runtime.InteropServices.NativeLibrary.TryLoad("libcrypto.so.3", out _))
            Assert.Equal("OpenSSL EVP", Sha256.Implementation);
        Span<byte> output = stackalloc byte[Hash32.Size];
        foreach (int size in new[] { 0, 1, 64, 65, 119, 120, 1024, 5000 })
        {
            var data = Enumerable.Range(0, size).Select(i => (byte)(i * 5 + 1)).ToArray();
            var expected = new Hash32(System.Security.Cryptography.SHA256.HashData(data));
            Sha256.HashWithoutOpenSsl(data, [], output);
            Assert.Equal(expected, new Hash32(output));
            Sha256.HashWithoutOpenSsl(data.AsSpan(0, size / 2), data.AsSpan(size / 2), output);
            Assert.Equal(expected, new Hash32(output));
        }
    }

    [Fact]
    public void Sha256_from_many_threads_at_once_matches_dotnet_and_never_leaves_OpenSSL()
    {
        // One digest context per thread: concurrent hashing must not mix inputs. Where OpenSSL is
        // used, every call must succeed there (Sha256 would fall back silently otherwise), whole or
        // in two parts, empty parts included.
        bool openSsl = OpenSslSha256.Available;
        var failures = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
        {
            var random = new Random(worker);
            Span<byte> output = stackalloc byte[Hash32.Size];
            for (int i = 0; i < 5_000; i++)
            {
                var data = new byte[random.Next(0, 2_000)];
                random.NextBytes(data);
                var expected = new Hash32(System.Security.Cryptography.SHA256.HashData(data));
                if (Sha256.Hash(data) != expected) Interlocked.Increment(ref failures);
                if (!openSsl) continue;
                int split = random.Next(0, data.Length + 1);
                if (!OpenSslSha256.TryHash(data.AsSpan(0, split), data.AsSpan(split), output) || new Hash32(output) != expected)
                    Interlocked.Increment(ref failures);
            }
        });
        Assert.Equal(0, failures);
    }

    [Fact]
    public void Empty_merkle_root_is_the_sha256_of_the_empty_string()
    {
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", MerkleTree.EmptyRoot.ToString());
    }

    [Fact]
    public void Bech32_accepts_the_BIP_173_valid_vectors()
    {
        foreach (var text in new[] { "A12UEL5L", "a12uel5l", "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", "?1ezyfcl" })
            Assert.True(Bech32.TryDecode(text, out _, out _, out var error), $"{text}: {error}");
    }

    [Fact]
    public void Bech32_rejects_the_BIP_173_invalid_vectors()
    {
        foreach (var text in new[] { "\u007f1axkwrx", "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx", "pzry9x0s0muk", "1pzry9x0s0muk", "x1b4n0q5v", "li1dgmt3", "A1G7SGD8", "10a06t8", "1qzzfhee", "de1lg7wt\u00ff" })
            Assert.False(Bech32.TryDecode(text, out _, out _, out _), text);
    }
}
