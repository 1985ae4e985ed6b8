using Polis.City;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Execution.Auth;
using Polis.Modules.Accounts;
using Polis.Testing;
using Polis.State;
using Polis.State.Storage;

namespace Polis.Execution.Tests;

public sealed class ChainTests
{
    private const string ChainId = "polis-chain-test";
    private static readonly KeyPair[] Validators = Enumerable.Range(0, 4).Select(i => KeyPair.FromLabel($"chain-v{i}")).ToArray();
    private static readonly KeyPair Alice = KeyPair.FromLabel("chain-alice");
    private static readonly KeyPair Bob = KeyPair.FromLabel("chain-bob");

    private static Genesis MakeGenesis() => TestGenesis.Create(ChainId, 1_000, new ValidatorSet(Validators.Select(v => new Validator(v.PublicKey, 1)).ToArray()),
        [(Alice.Address, 1_000UL)]);

    private static Chain NewChain(IVersionedState? state = null) => new(MakeGenesis(), state ?? TreeState.InMemory(), new CachingSignatureVerifier(), CityModules.Set());

    private static (ulong Nonce, ulong Balance) Account(IStateView view, KeyPair key) =>
        (NonceRecord.Load(view, key.Address), Balances.Get(view, AccountsKeys.NativeAsset, key.Address));

    private static Transaction Pay(ulong nonce, ulong amount) =>
        Transaction.Create(ChainId, Alice, nonce, AccountsKeys.Module, new TransferBody(Bob.Address, amount).ToBytes());

    private static Commit CommitFor(Block block) => new(block.Height, 0, block.Id, Enumerable.Range(0, 3).Select(i =>
        new CommitSignature((ushort)i, Vote.Create(ChainId, Validators[i], VoteType.Precommit, block.Height, 0, block.Id).Signature)).ToArray());

    [Fact]
    public void A_built_block_is_valid_elsewhere_and_commits_to_the_same_state_root()
    {
        var proposer = NewChain();
        var other = NewChain();
        var block = proposer.Build(2_000, Validators[0].Address, [Pay(0, 100), Pay(1, 50)], []);
        Assert.Equal(BlockValidation.Ok, other.Validate(block));
        var outcome = other.Commit(block, CommitFor(block));
        proposer.Commit(block, CommitFor(block));
        Assert.All(outcome.Results, r => Assert.True(r.IsOk));
        Assert.Equal(proposer.StateRoot, other.StateRoot);
        Assert.Equal(block.Header.StateRoot, other.StateRoot);
        var view = other.State.At(1);
        Assert.Equal((2UL, 850UL), Account(view, Alice));
        Assert.Equal((0UL, 150UL), Account(view, Bob));
    }

    [Fact]
    public void A_wrong_state_root_is_invalid_and_leaves_no_trace()
    {
        var proposer = NewChain();
        var other = NewChain();
        var block = proposer.Build(2_000, Validators[0].Address, [Pay(0, 100)], []);
        var forged = new Block(block.Header with { StateRoot = Sha256.Hash([1]) }, block.Transactions, null, []);
        var verdict = other.Validate(forged);
        Assert.False(verdict.Valid);
        Assert.Contains("state root", verdict.Reason);
        Assert.Equal(0UL, other.Height);
        Assert.Equal(1_000UL, Account(other.State.At(0), Alice).Balance);
    }

    [Fact]
    public void Blocks_that_do_not_follow_the_chain_are_invalid()
    {
        var chain = NewChain();
        var good = NewChain().Build(2_000, Validators[0].Address, [], []);
        Assert.Contains("previous block", chain.Validate(new Block(good.Header with { PreviousBlockId = Sha256.Hash([9]) }, [], null, [])).Reason);
        Assert.Contains("height", chain.Validate(new Block(good.Header with { Height = 2 }, [], null, [])).Reason);
        Assert.Contains("time", chain.Validate(new Block(good.Header with { TimeMs = 1_000 }, [], null, [])).Reason);
        Assert.Contains("validator set", chain.Validate(new Block(good.Header with { ValidatorSetHash = Sha256.Hash([1]) }, [], null, [])).Reason);
        Assert.Contains("proposer", chain.Validate(new Block(good.Header with { Proposer = Alice.Address }, [], null, [])).Reason);
        Assert.Contains("chain", chain.Validate(new Block(good.Header with { ChainId = "another" }, [], null, [])).Reason);
    }

    [Fact]
    public void The_next_block_must_carry_a_valid_commit_of_the_previous_one()
    {
        var a = NewChain();
        var b = NewChain();
        var first = a.Build(2_000, Validators[0].Address, [], []);
        a.Commit(first, CommitFor(first));
        b.Commit(first, CommitFor(first));
        var second = a.Build(3_000, Validators[1].Address, [Pay(0, 1)], []);
        Assert.True(b.Validate(second).Valid);
        var weak = new Commit(1, 0, first.Id, CommitFor(first).Signatures.Take(2).ToArray());
        var forged = new Block(second.Header with { LastCommitHash = weak.Hash() }, second.Transactions, weak, []);
        var verdict = NewChainAt(first).Validate(forged);
        Assert.False(verdict.Valid);
        Assert.Contains("two thirds", verdict.Reason);
    }

    private static Chain NewChainAt(Block first)
    {
        var chain = NewChain();
        // A chain that learnt block 1 with a different (but valid) commit than the one in block 2.
        var commit = new Commit(1, 0, first.Id, Enumerable.Range(1, 3).Select(i =>
            new CommitSignature((ushort)i, Vote.Create(ChainId, Validators[i], VoteType.Precommit, 1, 0, first.Id).Signature)).ToArray());
        chain.Commit(first, commit);
        return chain;
    }

    [Fact]
    public void A_chain_resumes_from_a_RocksDb_store_after_a_restart()
    {
        var dir = Path.Combine(Path.GetTempPath(), "polis-chain-" + Guid.NewGuid().ToString("N"));
        try
        {
            Block block;
            using (var storage = new RocksDbStateStorage(dir))
            {
                var chain = NewChain(new TreeState(new StateTree(storage)));
                block = chain.Build(2_000, Validators[0].Address, [Pay(0, 10)], []);
                chain.Commit(block, CommitFor(block));
            }
            using (var storage = new RocksDbStateStorage(dir))
            {
                var chain = NewChain(new TreeState(new StateTree(storage)));
                chain.Resume(block, CommitFor(block));
                Assert.Equal(1UL, chain.Height);
                Assert.Equal(block.Header.StateRoot, chain.StateRoot);
                var next = chain.Build(3_000, Validators[1].Address, [Pay(1, 10)], []);
                Assert.Single(next.Transactions);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
