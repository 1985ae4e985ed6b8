using CsCheck;
using Polis.Core.Ledger;
using Polis.Core.Merkle;

namespace Polis.Core.Tests;

/// <summary>Every decoder of the wire format, by name, as decode-then-re-encode, with a generator of valid encodings.</summary>
public static class Codecs
{
    public sealed record Codec(Func<byte[], byte[]> DecodeThenEncode, Gen<byte[]> Valid);

    public static readonly IReadOnlyDictionary<string, Codec> All = new Dictionary<string, Codec>
    {
        ["transaction"] = new(b => Transaction.Decode(b).Encoded, Gens.Transaction.Select(t => t.Encoded)),
        ["vote"] = new(b => Vote.Decode(b).ToBytes(), Gens.Vote.Select(v => v.ToBytes())),
        ["proposal"] = new(b => Proposal.Decode(b).ToBytes(), Gens.Proposal.Select(p => p.ToBytes())),
        ["commit"] = new(b => Commit.Decode(b).ToBytes(), Gens.Commit.Select(c => c.ToBytes())),
        ["block header"] = new(b => BlockHeader.Decode(b).ToBytes(), Gens.Header.Select(h => h.ToBytes())),
        ["block"] = new(b => Block.Decode(b).ToBytes(), Gens.Block.Select(b => b.ToBytes())),
        ["evidence"] = new(b => DuplicateVoteEvidence.Decode(b).ToBytes(), Gens.Evidence.Select(e => e.ToBytes())),
        ["validator set"] = new(b => Build.Encode(Build.DecodeValidatorSet(b)), Gens.ValidatorSet.Select(Build.Encode)),
        ["merkle proof"] = new(b => MerkleProof.Decode(b).ToBytes(), Gens.MerkleProof.Select(p => p.ToBytes())),
    };

    public static TheoryData<string> Names => [.. All.Keys];
}
