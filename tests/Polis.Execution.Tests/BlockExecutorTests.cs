using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Execution.Accounts;

namespace Polis.Execution.Tests;

public sealed class BlockExecutorTests
{
    private const string ChainId = "polis-exec-test";
    private static readonly KeyPair Alice = KeyPair.FromLabel("alice");
    private static readonly KeyPair Bob = KeyPair.FromLabel("bob");
    private static readonly BlockContext Block1 = new(1, 1_000);
    private readonly BlockExecutor _executor = new(ChainId, new CachingSignatureVerifier());

    private static DictionaryView Funded(ulong alice = 1_000, ulong bob = 0)
    {
        var view = new DictionaryView();
        new AccountRecord(0, alice).Store(view, Alice.Address);
        if (bob > 0) new AccountRecord(0, bob).Store(view, Bob.Address);
        return view;
    }

    private static Transaction Transfer(KeyPair from, ulong nonce, Address to, ulong amount, string chain = ChainId) =>
        Transaction.Create(chain, from, nonce, ModuleId.Accounts, new TransferBody(to, amount).ToBytes());

    [Fact]
    public void Transfers_move_exact_amounts_and_advance_nonces()
    {
        var view = Funded();
        var (results, reason) = _executor.Execute([Transfer(Alice, 0, Bob.Address, 300), Transfer(Alice, 1, Bob.Address, 200)], view, Block1);
        Assert.Equal("", reason);
        Assert.All(results!, r => Assert.True(r.IsOk));
        Assert.Equal(new AccountRecord(2, 500), AccountRecord.Load(view, Alice.Address));
        Assert.Equal(new AccountRecord(0, 500), AccountRecord.Load(view, Bob.Address));
    }

    [Fact]
    public void A_failing_transfer_changes_nothing_but_consumes_its_nonce()
    {
        var view = Funded(alice: 100);
        var (results, _) = _executor.Execute([Transfer(Alice, 0, Bob.Address, 101)], view, Block1);
        var result = Assert.Single(results!);
        Assert.Equal(TxResultCode.InsufficientFunds, result.Code);
        Assert.Equal(new AccountRecord(1, 100), AccountRecord.Load(view, Alice.Address));
        Assert.Equal(AccountRecord.Empty, AccountRecord.Load(view, Bob.Address));
    }

    [Fact]
    public void A_replayed_transaction_makes_the_block_invalid()
    {
        var view = Funded();
        var tx = Transfer(Alice, 0, Bob.Address, 10);
        var (results, reason) = _executor.Execute([tx, tx], view, Block1);
        Assert.Null(results);
        Assert.Contains("already used", reason);
    }

    [Fact]
    public void A_forged_signature_or_another_chain_makes_the_block_invalid()
    {
        var bytes = Transfer(Alice, 0, Bob.Address, 10).Encoded.ToArray();
        bytes[^5] ^= 0x40;
        Assert.Null(_executor.Execute([Transaction.Decode(bytes)], Funded(), Block1).Results);
        Assert.Null(_executor.Execute([Transfer(Alice, 0, Bob.Address, 10, chain: "other-chain")], Funded(), Block1).Results);
    }

    [Fact]
    public void Building_skips_transactions_that_would_invalidate_the_block()
    {
        var view = Funded();
        var good = Transfer(Alice, 0, Bob.Address, 10);
        var gap = Transfer(Alice, 5, Bob.Address, 10);
        var forgedBytes = Transfer(Bob, 0, Alice.Address, 1).Encoded.ToArray();
        forgedBytes[^1] ^= 1;
        var (included, results, skipped) = _executor.SelectAndExecute([good, gap, Transaction.Decode(forgedBytes)], view, Block1, 100, 1 << 20);
        Assert.Equal([good.Hash], included.Select(t => t.Hash));
        Assert.Single(results);
        Assert.Equal(2, skipped.Count);
    }

    [Fact]
    public void Malformed_bodies_and_zero_amounts_fail_with_their_reason()
    {
        var view = Funded();
        var garbage = Transaction.Create(ChainId, Alice, 0, ModuleId.Accounts, [1, 2, 3]);
        var unknown = Transaction.Create(ChainId, Alice, 1, ModuleId.Accounts, [99]);
        var zero = Transfer(Alice, 2, Bob.Address, 0);
        var (results, _) = _executor.Execute([garbage, unknown, zero], view, Block1);
        Assert.Equal([TxResultCode.MalformedBody, TxResultCode.UnknownOperation, TxResultCode.ZeroAmount], results!.Select(r => r.Code));
        Assert.Equal(new AccountRecord(3, 1_000), AccountRecord.Load(view, Alice.Address));
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
        var (results, _) = _executor.Execute([Transfer(Alice, 0, Alice.Address, 400), Transfer(Alice, 1, Bob.Address, 6)], view, Block1);
        Assert.Equal([TxResultCode.Ok, TxResultCode.AmountOverflow], results!.Select(r => r.Code));
        Assert.Equal(1_000UL, AccountRecord.Load(view, Alice.Address).Balance);
        Assert.Equal(ulong.MaxValue - 5, AccountRecord.Load(view, Bob.Address).Balance);
    }
}
