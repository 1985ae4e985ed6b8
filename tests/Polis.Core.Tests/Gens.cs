using CsCheck;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Core.Merkle;

namespace Polis.Core.Tests;

/// <summary>
/// CsCheck generators of valid values. Signatures are random bytes unless a test needs them to
/// verify: the codec does not check them, and signing costs far more than encoding.
/// </summary>
public static class Gens
{
    private static readonly KeyPair[] Keys = [KeyPair.FromLabel("gen-0"), KeyPair.FromLabel("gen-1"), KeyPair.FromLabel("gen-2")];

    public static readonly Gen<Hash32> Hash = Gen.Byte.Array[Hash32.Size].Select(b => new Hash32(b));
    public static readonly Gen<Hash32> NonZeroHash = Hash.Where(h => !h.IsZero);
    public static readonly Gen<Address> Address = Gen.Byte.Array[Crypto.Address.Size].Select(b => new Address(b));
    public static readonly Gen<Signature> Signature = Gen.Byte.Array[Crypto.Signature.Size].Select(b => new Signature(b));
    public static readonly Gen<PublicKey> PublicKey = Gen.Byte.Array[Crypto.PublicKey.Size].Select(b => Crypto.PublicKey.FromBytes(b));
    public static readonly Gen<KeyPair> Key = Gen.Int[0, Keys.Length - 1].Select(i => Keys[i]);
    public static readonly Gen<ulong> Height = Gen.ULong.Where(h => h != 0);
    public static readonly Gen<int> Round = Gen.Int[0, int.MaxValue];
    public static readonly Gen<VoteType> VoteType = Gen.OneOf(Ledger.VoteType.Prevote, Ledger.VoteType.Precommit);

    public static readonly Gen<string> ChainId =
        Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-."].Array[1, Limits.ChainIdBytesMax].Select(c => new string(c));

    /// <summary>Two different chain ids.</summary>
    public static readonly Gen<(string, string)> TwoChainIds = Gen.Select(ChainId, ChainId).Where((a, b) => a != b);

    public static readonly Gen<Transaction> Transaction =
        Gen.Select(ChainId, Key, Gen.ULong, Gen.Byte.Array[0, 300])
            .Select((chain, key, nonce, body) => Ledger.Transaction.Create(chain, key, nonce, Build.AnyModule, body));

    public static readonly Gen<Vote> Vote =
        Gen.Select(VoteType, Height, Round, Gen.Frequency((1, Gen.Const(Hash32.Zero)), (4, Hash)), Address, Signature)
            .Select((type, height, round, blockId, validator, signature) => new Vote(type, height, round, blockId, validator, signature));

    public static readonly Gen<Proposal> Proposal =
        Gen.Select(Height, Gen.Int[1, int.MaxValue], Gen.Bool, NonZeroHash, Address, Signature)
            .SelectMany((height, round, fresh, blockId, proposer, signature) =>
                Gen.Int[-1, round - 1].Select(validRound =>
                    new Proposal(height, round, fresh ? -1 : validRound, blockId, proposer, signature)));

    public static readonly Gen<Commit> Commit =
        Gen.Select(Height, Round, NonZeroHash, Gen.UShort.ArrayUnique[0, 12], Signature.Array[12])
            .Select((height, round, blockId, indices, signatures) =>
            {
                Array.Sort(indices);
                var sigs = new CommitSignature[indices.Length];
                for (int i = 0; i < sigs.Length; i++) sigs[i] = new CommitSignature(indices[i], signatures[i]);
                return new Commit(height, round, blockId, sigs);
            });

    public static readonly Gen<DuplicateVoteEvidence> Evidence =
        Gen.Select(VoteType, Height, Round, Address, Gen.Select(Hash, Hash).Where((a, b) => a != b), Signature, Signature)
            .Select((type, height, round, validator, ids, sigA, sigB) => new DuplicateVoteEvidence(
                new Vote(type, height, round, ids.Item1, validator, sigA), new Vote(type, height, round, ids.Item2, validator, sigB)));

    public static readonly Gen<BlockHeader> Header =
        Gen.Select(ChainId, Height, Gen.Long, Hash, Hash, Hash, Hash, Gen.Select(Address, Hash, Hash))
            .Select((chain, height, time, previous, txRoot, state, validators, rest) =>
                new BlockHeader(chain, height, time, previous, txRoot, state, validators, rest.Item1, rest.Item2, rest.Item3));

    /// <summary>Blocks whose encoding is valid; their roots do not match (CheckStructure is not the codec's business).</summary>
    public static readonly Gen<Block> Block =
        Gen.Select(Header, Transaction.Array[0, 3], Gen.Bool, Commit, Evidence.Array[0, 2])
            .Select((header, txs, hasCommit, commit, evidence) => new Block(header, txs, hasCommit ? commit : null, evidence));

    /// <summary>Validator powers kept small enough that eight of them stay under the 2^60 total.</summary>
    public static readonly Gen<ValidatorSet> ValidatorSet =
        Gen.Select(PublicKey, Gen.ULong[1, 1UL << 56]).Array[1, 8]
            .Select(vs => new ValidatorSet([.. vs.Select(v => new Validator(v.Item1, v.Item2))]));

    public static readonly Gen<MerkleProof> MerkleProof =
        Gen.Select(Gen.ULong, Gen.ULong, Hash.Array[0, Limits.MerkleProofDepthMax])
            .Select((index, count, siblings) => new MerkleProof(index, count, siblings));
}
