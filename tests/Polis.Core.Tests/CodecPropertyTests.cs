using CsCheck;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;
using Polis.Core.Merkle;

namespace Polis.Core.Tests;

/// <summary>decode(encode(x)) == x, and hostile bytes only ever produce a CodecException.</summary>
public sealed class CodecPropertyTests
{
    private static readonly KeyPair[] Keys = Build.Keys;

    private static readonly Gen<Hash32> GenHash = Gen.Byte.Array[32].Select(b => new Hash32(b));
    private static readonly Gen<Vote> GenVote = Gen.Select(Gen.Int[1, 2], Gen.ULong[1, ulong.MaxValue], Gen.Int[0, int.MaxValue], GenHash, Gen.Int[0, 3], Gen.Bool)
        .Select((t, h, r, id, k, nil) => Vote.Create(Build.ChainId, Keys[k], (VoteType)t, h, r, nil ? Hash32.Zero : id));
    private static readonly Gen<Proposal> GenProposal = Gen.Select(Gen.ULong[1, ulong.MaxValue], Gen.Int[1, 1000], GenHash, Gen.Int[0, 3])
        .SelectMany((h, r, id, k) => Gen.Int[-1, r - 1].Select(vr => Proposal.Create(Build.ChainId, Keys[k], h, r, vr, id)));
    private static readonly Gen<Transaction> GenTx = Gen.Select(Gen.ULong, Gen.Byte.Array[0, 300])
        .Select((nonce, body) => Transaction.Create(Build.ChainId, Build.Alice, nonce, ModuleId.Accounts, body));
    private static readonly Gen<Commit> GenCommit = Gen.Select(GenHash, Gen.ULong[1, 1000], Gen.Int[0, 20], Gen.Int[1, 15])
        .Select((id, h, r, mask) => Build.Commit(id, h, r, Enumerable.Range(0, 4).Where(i => (mask >> i & 1) == 1).ToArray()));

    private delegate T Decoder<out T>(ReadOnlySpan<byte> bytes);

    private static void RoundTrips<T>(Gen<T> gen, Func<T, byte[]> encode, Decoder<T> decode, long iter = 100) =>
        gen.Sample(x =>
        {
            var bytes = encode(x);
            Assert.Equal(bytes, encode(decode(bytes)));
            for (int cut = 0; cut < bytes.Length; cut += Math.Max(1, bytes.Length / 40))
            {
                var truncated = bytes[..cut];
                Assert.Throws<CodecException>(() => decode(truncated));
            }
            Assert.Throws<CodecException>(() => decode([.. bytes, 0]));
        }, iter: iter);

    [Fact]
    public void Votes_round_trip_and_reject_truncation_and_trailing_bytes() => RoundTrips(GenVote, v => v.ToBytes(), b => Vote.Decode(b));

    [Fact]
    public void Proposals_round_trip_and_reject_truncation_and_trailing_bytes() => RoundTrips(GenProposal, p => p.ToBytes(), b => Proposal.Decode(b));

    [Fact]
    public void Transactions_round_trip_and_reject_truncation_and_trailing_bytes() => RoundTrips(GenTx, t => t.Encoded, b => Transaction.Decode(b));

    [Fact]
    public void Commits_round_trip_and_reject_truncation_and_trailing_bytes() => RoundTrips(GenCommit, c => c.ToBytes(), b => Commit.Decode(b));

    [Fact]
    public void Blocks_headers_evidence_and_proofs_round_trip()
    {
        RoundTrips(Gen.Const(0).Select(_ => Build.Block2()), b => b.ToBytes(), b => Block.Decode(b), iter: 1);
        RoundTrips(Gen.Const(0).Select(_ => Build.Block1()), b => b.ToBytes(), b => Block.Decode(b), iter: 1);
        RoundTrips(Gen.Const(0).Select(_ => Build.Block2().Header), h => h.ToBytes(), b => BlockHeader.Decode(b), iter: 1);
        RoundTrips(Gen.Int[0, 3].Select(k => new DuplicateVoteEvidence(Build.Prevote(Build.Id(1), k), Build.Prevote(Hash32.Zero, k))),
            e => e.ToBytes(), b => DuplicateVoteEvidence.Decode(b), iter: 4);
        RoundTrips(Gen.Int[1, 40].SelectMany(n => Gen.Int[0, n - 1].Select(i =>
            MerkleTree.Prove(Enumerable.Range(0, n).Select(x => MerkleTree.LeafHash([(byte)x])).ToArray(), i))),
            p => p.ToBytes(), b => MerkleProof.Decode(b));
    }

    [Fact]
    public void Random_bytes_only_ever_decode_or_raise_a_codec_exception()
    {
        Decoder<object>[] decoders =
        [
            b => Vote.Decode(b), b => Proposal.Decode(b), b => Transaction.Decode(b), b => Commit.Decode(b),
            b => BlockHeader.Decode(b), b => Block.Decode(b), b => DuplicateVoteEvidence.Decode(b), b => MerkleProof.Decode(b),
        ];
        // Mutations of valid encodings reach deeper than uniformly random bytes.
        byte[][] seeds = [Build.Block2().ToBytes(), Build.Commit(Build.Id(1)).ToBytes(), Build.Tx().Encoded, Build.Prevote(Build.Id(1)).ToBytes()];
        Gen.Select(Gen.Int[0, seeds.Length - 1], Gen.Int[0, 1000], Gen.Byte, Gen.Byte.Array[0, 64]).Sample((s, at, value, random) =>
        {
            var mutated = (byte[])seeds[s].Clone();
            mutated[at % mutated.Length] = value;
            foreach (var decode in decoders)
            {
                foreach (var input in new[] { mutated, random })
                {
                    try { decode(input); }
                    catch (CodecException) { }
                    catch (Exception e) { Assert.Fail($"{e.GetType().Name} from hostile bytes: {e.Message}"); }
                }
            }
        }, iter: 2000);
    }

    [Fact]
    public void Huge_declared_lengths_are_rejected_before_allocating()
    {
        byte[] huge = [0xFF, 0xFF, 0xFF, 0xFF];
        var e = Assert.Throws<CodecException>(() => MerkleProof.Decode([.. new byte[16], .. huge]));
        Assert.Contains("exceeds", e.Message);
        var w = new CanonicalWriter();
        Build.Block1().Header.Encode(w);
        w.WriteU32(uint.MaxValue); // transaction count
        Assert.Contains("exceeds", Assert.Throws<CodecException>(() => Block.Decode(w.ToArray())).Message);
        var tx = new CanonicalWriter();
        tx.WriteString(Build.ChainId);
        tx.WritePublicKey(Build.Alice.PublicKey);
        tx.WriteU64(0);
        tx.WriteU8(1);
        tx.WriteU32(Limits.TxBodyBytesMax + 1);
        Assert.Contains("exceeds", Assert.Throws<CodecException>(() => Transaction.Decode(tx.ToArray())).Message);
    }

    [Fact]
    public void Non_canonical_forms_are_rejected()
    {
        var vote = Build.Prevote(Build.Id(1)).ToBytes();
        vote[0] = 3; // unknown vote type
        Assert.Throws<CodecException>(() => Vote.Decode(vote));
        var commit = new Commit(1, 0, Build.Id(1), [new CommitSignature(2, default), new CommitSignature(1, default)]);
        Assert.Throws<CodecException>(() => Commit.Decode(commit.ToBytes())); // indices out of order
        var block = Build.Block1().ToBytes();
        block[^5] = 2; // the has-last-commit flag must be 0 or 1
        Assert.Throws<CodecException>(() => Block.Decode(block));
    }
}
