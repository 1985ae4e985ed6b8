using Polis.City;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Execution.Auth;
using Polis.Execution.Fees;
using Polis.Modules.Accounts;
using Polis.Testing;

namespace Polis.Execution.Tests;

/// <summary>Fees: paid by the sender whether the transaction succeeds or not, a condition of a block's validity, credited to the collector, never created or destroyed.</summary>
public sealed class FeeTests
{
    private const string ChainId = "polis-fee-test";
    private static readonly KeyPair Alice = KeyPair.FromLabel("alice");
    private static readonly KeyPair Bob = KeyPair.FromLabel("bob");
    private static readonly Address Treasury = KeyPair.FromLabel("treasury").Address;
    private static readonly FeeSchedule Schedule = new(PerTransaction: 100, PerByte: 2, Treasury);
    private static readonly BlockContext Block1 = new(1, 1_000);
    private readonly BlockExecutor _executor = new(ChainId, new CachingSignatureVerifier(), CityModules.Set());

    private static DictionaryView Funded(ulong alice)
    {
        var view = new DictionaryView();
        Balances.Set(view, AccountsKeys.NativeAsset, Alice.Address, alice);
        FeeRecord.Store(view, Schedule);
        return view;
    }

    private static ulong Balance(IStateView view, Address address) => Balances.Get(view, AccountsKeys.NativeAsset, address);

    private static Transaction Transfer(ulong nonce, ulong amount) =>
        Transaction.Create(ChainId, Alice, nonce, AccountsKeys.Module, new TransferBody(Bob.Address, amount).ToBytes());

    private static ulong FeeOf(Transaction tx) => 100 + 2 * (ulong)tx.Encoded.Length;

    [Fact]
    public void A_successful_and_a_failing_transaction_both_pay_and_the_collector_gets_the_sum()
    {
        var ok = Transfer(0, 300);
        var failing = Transfer(1, 1_000_000); // more than Alice holds
        ulong start = 10_000;
        var view = Funded(start);
        var (outcome, reason) = _executor.Execute([ok, failing], view, Block1);
        Assert.Equal("", reason);
        Assert.True(outcome!.Results[0].IsOk);
        Assert.Equal(AccountsResults.InsufficientFunds, outcome.Results[1].Code);
        Assert.Equal(start - 300 - FeeOf(ok) - FeeOf(failing), Balance(view, Alice.Address));
        Assert.Equal(300UL, Balance(view, Bob.Address));
        Assert.Equal(FeeOf(ok) + FeeOf(failing), Balance(view, Treasury));
        Assert.Equal(2UL, NonceRecord.Load(view, Alice.Address));
        // Nothing made, nothing lost.
        Assert.Equal(start, Balance(view, Alice.Address) + Balance(view, Bob.Address) + Balance(view, Treasury));
    }

    [Fact]
    public void A_block_with_a_transaction_whose_sender_cannot_pay_is_invalid_and_a_proposer_leaves_it_out()
    {
        var tx = Transfer(0, 1);
        var view = Funded(FeeOf(tx) - 1);
        var (outcome, reason) = _executor.Execute([tx], view, Block1);
        Assert.Null(outcome);
        Assert.Contains("cannot pay the fee", reason);

        var building = Funded(FeeOf(tx) - 1);
        var (included, built, skipped) = _executor.SelectAndExecute([tx], building, Block1, 100, 1_000_000);
        Assert.Empty(included);
        Assert.Contains("cannot pay the fee", Assert.Single(skipped).Reason);
        Assert.Equal(FeeOf(tx) - 1, Balance(building, Alice.Address));
        Assert.Equal(0UL, Balance(building, Treasury));
        Assert.Equal(0UL, NonceRecord.Load(building, Alice.Address));
        Assert.Empty(built.Results);
    }

    [Fact]
    public void A_body_over_its_modules_limit_fails_unread_and_still_pays()
    {
        var padded = Transaction.Create(ChainId, Alice, 0, AccountsKeys.Module, new byte[new AccountsModule().BodyBytesMax + 1]);
        var view = Funded(1_000_000);
        var (outcome, _) = _executor.Execute([padded], view, Block1);
        var result = Assert.Single(outcome!.Results);
        Assert.Equal(ExecutionResults.BodyTooLarge, result.Code);
        Assert.Equal(1_000_000 - FeeOf(padded), Balance(view, Alice.Address));
        Assert.Equal(FeeOf(padded), Balance(view, Treasury));
    }

    [Fact]
    public void The_genesis_writes_the_schedule_and_refuses_fees_without_a_native_asset()
    {
        var validators = new ValidatorSet([new Validator(KeyPair.FromLabel("v").PublicKey, 1)]);
        var genesis = new Genesis(ChainId, 0, validators, [], [], Schedule);
        var view = new DictionaryView();
        genesis.ApplyTo(view, CityModules.Set());
        Assert.Equal(Schedule, FeeRecord.Load(view));
        Assert.Equal(Schedule, Genesis.Decode(genesis.ToBytes()).Fees);
        Assert.NotEqual(new Genesis(ChainId, 0, validators).Hash, genesis.Hash);
        // A free chain encodes no schedule at all (its genesis hash is what it was before fees), and an encoded empty one is not canonical.
        var free = new Genesis(ChainId, 0, validators).ToBytes();
        Assert.Equal(free.Length + FeeSchedule.EncodedBytes, genesis.ToBytes().Length);
        Assert.Throws<Polis.Core.Encoding.CodecException>(() => Genesis.Decode([.. free, .. FeeSchedule.None.ToBytes()]));
        Assert.Throws<ArgumentException>(() => genesis.ApplyTo(new DictionaryView(), new ModuleSet([new Polis.Modules.Devices.DevicesModule()])));
    }

    [Fact]
    public void A_fee_that_does_not_fit_in_64_bits_is_one_nobody_can_pay()
    {
        var schedule = new FeeSchedule(1, ulong.MaxValue / 10, Treasury);
        Assert.False(schedule.TryFeeOf(100, out ulong fee));
        Assert.Equal(ulong.MaxValue, fee);
        Assert.True(new FeeSchedule(1, 2, Treasury).TryFeeOf(100, out fee));
        Assert.Equal(201UL, fee);
    }
}
