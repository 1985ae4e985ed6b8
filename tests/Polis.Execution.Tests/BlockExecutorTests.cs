using Polis.City;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Execution.Auth;
using Polis.Modules.Accounts;
using Polis.Testing;

namespace Polis.Execution.Tests;

public sealed class BlockExecutorTests
{
    private const string ChainId = "polis-exec-test";
    private static readonly KeyPair Alice = KeyPair.FromLabel("alice");
    private static readonly KeyPair Bob = KeyPair.FromLabel("bob");
    private static readonly BlockContext Block1 = new(1, 1_000);
    private readonly BlockExecutor _executor = new(ChainId, new CachingSignatureVerifier(), CityModules.Set());

    private static DictionaryView Funded(ulong alice = 1_000, ulong bob = 0)
    {
        var view = new DictionaryView();
        Balances.Set(view, AccountsKeys.NativeAsset, Alice.Address, alice);
        Balances.Set(view, AccountsKeys.NativeAsset, Bob.Address, bob);
        return view;
    }

    /// <summary>An account's next nonce and CITY balance.</summary>
    private static (ulong Nonce, ulong Balance) Account(IStateView view, KeyPair key) =>
        (NonceRecord.Load(view, key.Address), Balances.Get(view, AccountsKeys.NativeAsset, key.Address));

    private static Transaction Transfer(KeyPair from, ulong nonce, Address to, ulong amount, string chain = ChainId) =>
        Transaction.Create(chain, from, nonce, AccountsKeys.Module, new TransferBody(to, amount).ToBytes());

    [Fact]
    public void Transfers_move_exact_amounts_and_advance_nonces()
    {
        var view = Funded();
        var (outcome, reason) = _executor.Execute([Transfer(Alice, 0, Bob.Address, 300), Transfer(Alice, 1, Bob.Address, 200)], view, Block1);
        Assert.Equal("", reason);
        Assert.All(outcome!.Results, r => Assert.True(r.IsOk));
        Assert.Equal((2UL, 500UL), Account(view, Alice));
        Assert.Equal((0UL, 500UL), Account(view, Bob));
    }

    [Fact]
    public void A_failing_transfer_changes_nothing_but_consumes_its_nonce()
    {
        var view = Funded(alice: 100);
        var (outcome, _) = _executor.Execute([Transfer(Alice, 0, Bob.Address, 101)], view, Block1);
        var result = Assert.Single(outcome!.Results);
        Assert.Equal(AccountsResults.InsufficientFunds, result.Code);
        Assert.Equal("accounts.insufficient-funds", result.Code.Name);
        Assert.Empty(result.Events);
        Assert.Equal((1UL, 100UL), Account(view, Alice));
        Assert.Equal((0UL, 0UL), Account(view, Bob));
    }

    [Fact]
    public void A_replayed_transaction_makes_the_block_invalid()
    {
        var view = Funded();
        var tx = Transfer(Alice, 0, Bob.Address, 10);
        var (outcome, reason) = _executor.Execute([tx, tx], view, Block1);
        Assert.Null(outcome);
        Assert.Contains("already used", reason);
    }

    [Fact]
    public void A_forged_signature_or_another_chain_makes_the_block_invalid()
    {
        var bytes = Transfer(Alice, 0, Bob.Address, 10).Encoded.ToArray();
        bytes[^5] ^= 0x40;
        Assert.Null(_executor.Execute([Transaction.Decode(bytes)], Funded(), Block1).Outcome);
        Assert.Null(_executor.Execute([Transfer(Alice, 0, Bob.Address, 10, chain: "other-chain")], Funded(), Block1).Outcome);
    }

    [Fact]
    public void Building_skips_transactions_that_would_invalidate_the_block()
    {
        var view = Funded();
        var good = Transfer(Alice, 0, Bob.Address, 10);
        var gap = Transfer(Alice, 5, Bob.Address, 10);
        var forgedBytes = Transfer(Bob, 0, Alice.Address, 1).Encoded.ToArray();
        forgedBytes[^1] ^= 1;
        var (included, outcome, skipped) = _executor.SelectAndExecute([good, gap, Transaction.Decode(forgedBytes)], view, Block1, 100, 1 << 20);
        Assert.Equal([good.Hash], included.Select(t => t.Hash));
        Assert.Single(outcome.Results);
        Assert.Equal(2, skipped.Count);
    }

    [Fact]
    public void Malformed_bodies_and_zero_amounts_fail_with_their_reason()
    {
        var view = Funded();
        var garbage = Transaction.Create(ChainId, Alice, 0, AccountsKeys.Module, [1, 2, 3]);
        var unknown = Transaction.Create(ChainId, Alice, 1, AccountsKeys.Module, [99]);
        var zero = Transfer(Alice, 2, Bob.Address, 0);
        var (outcome, _) = _executor.Execute([garbage, unknown, zero], view, Block1);
        Assert.Equal([ExecutionResults.MalformedBody, ExecutionResults.UnknownOperation, AccountsResults.ZeroAmount], outcome!.Results.Select(r => r.Code));
        Assert.Equal((3UL, 1_000UL), Account(view, Alice));
    }

    [Fact]
    public void Many_signatures_are_verified_in_parallel_with_the_same_verdicts()
    {
        var txs = new List<Transaction>();
        for (ulong i = 0; i < 200; i++) txs.Add(Transfer(Alice, i, Bob.Address, 1));
        var bytes = txs[137].Encoded.ToArray();
        bytes[^1] ^= 1;
        txs[137] = Transaction.Decode(bytes);
        var verdicts = _executor.VerifySignatures(txs);
        Assert.Equal(199, verdicts.Count(v => v));
        Assert.False(verdicts[137]);
    }

    [Fact]
    public void Self_transfers_and_overflow_keep_supply_exact()
    {
        var view = Funded(alice: 1_000, bob: ulong.MaxValue - 5);
        var (outcome, _) = _executor.Execute([Transfer(Alice, 0, Alice.Address, 400), Transfer(Alice, 1, Bob.Address, 6)], view, Block1);
        Assert.Equal([ExecutionResults.Ok, AccountsResults.AmountOverflow], outcome!.Results.Select(r => r.Code));
        Assert.Equal(1_000UL, Account(view, Alice).Balance);
        Assert.Equal(ulong.MaxValue - 5, Account(view, Bob).Balance);
    }
}
