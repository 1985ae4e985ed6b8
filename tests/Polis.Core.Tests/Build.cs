using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Core.Merkle;

namespace Polis.Core.Tests;

/// <summary>Deterministic test data: the same objects on every machine (Ed25519 signing is deterministic).</summary>
internal static class Build
{
    public const string ChainId = "polis-golden";
    public static readonly KeyPair[] Keys = Enumerable.Range(0, 4).Select(i => KeyPair.FromLabel($"validator-{i}")).ToArray();
    public static readonly KeyPair Alice = KeyPair.FromLabel("alice");

    public static ValidatorSet Validators => new(Keys.Select((k, i) => new Validator(k.PublicKey, (ulong)i + 1)).ToArray());

    public static Transaction Tx(ulong nonce = 7) => Transaction.Create(ChainId, Alice, nonce, ModuleId.Accounts, [1, 2, 3, 4, 5]);

    public static Vote Prevote(Hash32 blockId, int validator = 0) => Vote.Create(ChainId, Keys[validator], VoteType.Prevote, 2, 1, blockId);
    public static Vote Precommit(Hash32 blockId, int validator = 0) => Vote.Create(ChainId, Keys[validator], VoteType.Precommit, 2, 1, blockId);

    public static Hash32 Id(byte b) => Sha256.Hash([b]);

    public static Commit Commit(Hash32 blockId, ulong height = 1, int round = 0, params int[] validators)
    {
        validators = validators.Length == 0 ? [1, 2, 3] : validators;
        var sigs = validators.Select(v => new CommitSignature((ushort)v, Vote.Create(ChainId, Keys[v], VoteType.Precommit, height, round, blockId).Signature)).ToArray();
        return new Commit(height, round, blockId, sigs);
    }

    public static Block Block1()
    {
        var header = new BlockHeader(ChainId, 1, 1_700_000_000_000, Id(9), Block.TransactionsRoot([]), Id(2), Validators.Hash, Keys[1].Address,
            Hash32.Zero, Block.EvidenceRootOf([]));
        return new Block(header, [], null, []);
    }

    public static Block Block2()
    {
        var previous = Block1();
        var lastCommit = Commit(previous.Id);
        var txs = new[] { Tx() };
        var evidence = new[] { new DuplicateVoteEvidence(Prevote(Id(1), 2), Prevote(Id(2), 2)) };
        var header = new BlockHeader(ChainId, 2, 1_700_000_001_000, previous.Id, Block.TransactionsRoot(txs), Id(3), Validators.Hash,
            Keys[2].Address, lastCommit.Hash(), Block.EvidenceRootOf(evidence));
        return new Block(header, txs, lastCommit, evidence);
    }

    public static MerkleProof Proof() => MerkleTree.Prove(Enumerable.Range(0, 7).Select(i => MerkleTree.LeafHash([(byte)i])).ToArray(), 5);
}
