using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;

namespace Polis.Core.Tests;

/// <summary>
/// Fixed test data: keys from labels, fixed times and hashes, so every value built here encodes
/// to the same bytes on every run (Ed25519 signing is deterministic). The golden vectors rely on it.
/// </summary>
public static class Build
{
    public const string ChainId = "polis-test-1";
    public const long GenesisTimeMs = 1_700_000_000_000;

    private static readonly KeyPair[] ValidatorKeys =
        [KeyPair.FromLabel("validator-0"), KeyPair.FromLabel("validator-1"), KeyPair.FromLabel("validator-2"), KeyPair.FromLabel("validator-3")];

    public static KeyPair Validator(int index) => ValidatorKeys[index];

    public static KeyPair User { get; } = KeyPair.FromLabel("user-0");

    /// <summary>A module id for transactions whose body these tests do not look into (1, the golden vectors' byte).</summary>
    public static readonly ModuleId AnyModule = new(1);

    /// <summary>Four validators of power 10 each: any three are a quorum.</summary>
    public static ValidatorSet Validators { get; } = new([
        new Validator(ValidatorKeys[0].PublicKey, 10), new Validator(ValidatorKeys[1].PublicKey, 10),
        new Validator(ValidatorKeys[2].PublicKey, 10), new Validator(ValidatorKeys[3].PublicKey, 10)]);

    public static Hash32 HashOf(string label) => Sha256.Hash(System.Text.Encoding.UTF8.GetBytes(label));

    public static Transaction Transfer(ulong nonce, string chainId = ChainId) =>
        Transaction.Create(chainId, User, nonce, Build.AnyModule, System.Text.Encoding.UTF8.GetBytes($"transfer 25 to bob #{nonce}"));

    public static Vote Prevote(int validator, ulong height, int round, Hash32 blockId) =>
        Vote.Create(ChainId, ValidatorKeys[validator], VoteType.Prevote, height, round, blockId);

    public static Vote Precommit(int validator, ulong height, int round, Hash32 blockId) =>
        Vote.Create(ChainId, ValidatorKeys[validator], VoteType.Precommit, height, round, blockId);

    /// <summary>A commit holding the precommits of <paramref name="signers"/>, in the order given.</summary>
    public static Commit Commit(ulong height, int round, Hash32 blockId, params int[] signers)
    {
        var signBytes = Vote.SignBytes(ChainId, VoteType.Precommit, height, round, blockId);
        var signatures = new CommitSignature[signers.Length];
        for (int i = 0; i < signers.Length; i++)
            signatures[i] = new CommitSignature((ushort)signers[i], ValidatorKeys[signers[i]].Sign(signBytes));
        return new Commit(height, round, blockId, signatures);
    }

    /// <summary>Validator 3 prevoting for two different blocks at (height, 0).</summary>
    public static DuplicateVoteEvidence Equivocation(ulong height) =>
        new(Prevote(3, height, 0, HashOf("fork-a")), Prevote(3, height, 0, HashOf("fork-b")));

    public static BlockHeader Header1() => new(
        ChainId, 1, GenesisTimeMs, Hash32.Zero, Block.TransactionsRoot([]), HashOf("state-1"), Validators.Hash,
        Validators.Proposer(1, 0).Address, Hash32.Zero, Block.EvidenceRootOf([]));

    public static Block Block1() => new(Header1(), [], null, []);

    public static Block Block2()
    {
        var block1 = Block1();
        Transaction[] txs = [Transfer(0)];
        var lastCommit = Commit(1, 0, block1.Id, 0, 1, 2);
        DuplicateVoteEvidence[] evidence = [Equivocation(1)];
        var header = new BlockHeader(
            ChainId, 2, GenesisTimeMs + 1_000, block1.Id, Block.TransactionsRoot(txs), HashOf("state-2"), Validators.Hash,
            Validators.Proposer(2, 0).Address, lastCommit.Hash(), Block.EvidenceRootOf(evidence));
        return new Block(header, txs, lastCommit, evidence);
    }

    public static byte[] Encode(ValidatorSet set)
    {
        var w = new CanonicalWriter();
        set.Encode(w);
        return w.ToArray();
    }

    /// <summary>ValidatorSet has only the embedded decoder: this one also rejects trailing bytes.</summary>
    public static ValidatorSet DecodeValidatorSet(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        var set = ValidatorSet.Decode(ref r);
        r.End("validator set");
        return set;
    }
}
