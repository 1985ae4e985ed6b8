using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Modules.Accounts;
using Polis.Node.Mempool;

namespace Polis.Node.Tests;

public sealed class TxPoolTests
{
    private const string Chain = "polis-test";
    private readonly KeyPair _alice = KeyPair.FromLabel("alice");
    private readonly KeyPair _bob = KeyPair.FromLabel("bob");
    private readonly Dictionary<Address, (ulong Nonce, ulong Balance)> _accounts = new();

    private TxPool Pool(int max = 100) => new(Chain, new CachingSignatureVerifier(), max, new Ledger(_accounts));

    /// <summary>Accounts as a dictionary; the Accounts module says what a transaction spends, as on a node.</summary>
    private sealed class Ledger(Dictionary<Address, (ulong Nonce, ulong Balance)> accounts) : IAdmissionLedger
    {
        private static readonly AccountsModule Accounts = new();
        public ulong NonceOf(in Address address) => accounts.GetValueOrDefault(address).Nonce;
        public (ulong Nonce, ulong Balance) AccountOf(in Address address) => accounts.GetValueOrDefault(address);
        public ulong NativeSpendOf(Transaction tx) => tx.Module == AccountsKeys.Module ? Accounts.NativeSpendOf(tx) : 0;
        public bool Runs(ModuleId module) => module == AccountsKeys.Module;
    }

    private Transaction Transfer(KeyPair from, ulong nonce, ulong amount, string chain = Chain) =>
        Transaction.Create(chain, from, nonce, AccountsKeys.Module, new TransferBody(_bob.Address, amount).ToBytes());

    [Fact]
    public void Admission_checks_chain_signature_nonce_balance_duplicates_and_capacity()
    {
        _accounts[_alice.Address] = (5, 100UL);
        var pool = Pool(max: 3);
        Assert.Equal(AdmissionCode.Accepted, pool.TryAdd(Transfer(_alice, 5, 40)).Code);
        Assert.Equal(AdmissionCode.Duplicate, pool.TryAdd(Transfer(_alice, 5, 40)).Code);
        Assert.Equal(AdmissionCode.NoncePending, pool.TryAdd(Transfer(_alice, 5, 41)).Code);
        Assert.Equal(AdmissionCode.NonceUsed, pool.TryAdd(Transfer(_alice, 4, 1)).Code);
        Assert.Equal(AdmissionCode.WrongChain, pool.TryAdd(Transfer(_alice, 6, 1, "other")).Code);
        Assert.Equal(AdmissionCode.InsufficientFunds, pool.TryAdd(Transfer(_alice, 6, 61)).Code);
        Assert.Equal(AdmissionCode.NonceGap, pool.TryAdd(Transfer(_alice, 7, 1)).Code);
        var forged = Transaction.Decode(Tamper(Transfer(_alice, 6, 1).Encoded));
        Assert.Equal(AdmissionCode.BadSignature, pool.TryAdd(forged).Code);
        Assert.Equal(AdmissionCode.Accepted, pool.TryAdd(Transfer(_alice, 6, 60)).Code);
        Assert.Equal(AdmissionCode.Accepted, pool.TryAdd(Transfer(_alice, 7, 0)).Code);
        Assert.Equal(AdmissionCode.Full, pool.TryAdd(Transfer(_alice, 8, 0)).Code);
        Assert.Equal(3, pool.Count);
    }

    private static byte[] Tamper(byte[] encoded)
    {
        var copy = (byte[])encoded.Clone();
        copy[^1] ^= 1;
        return copy;
    }

    [Fact]
    public void Reaping_takes_consecutive_nonces_from_the_next_one_and_respects_the_bounds()
    {
        _accounts[_alice.Address] = (0, 1_000);
        var pool = Pool();
        var txs = new ulong[] { 0, 1, 2 }.Select(n => Transfer(_alice, n, 1)).ToList();
        foreach (var tx in txs) Assert.True(pool.TryAdd(tx).Accepted);
        Assert.Equal(AdmissionCode.NonceGap, pool.TryAdd(Transfer(_alice, 4, 1)).Code);
        Assert.Equal(txs, pool.Reap(100, 1_000_000));
        Assert.Equal(txs.Take(2), pool.Reap(2, 1_000_000));
        Assert.Single(pool.Reap(100, txs[0].Encoded.Length));
    }

    [Fact]
    public void A_sender_cannot_park_more_than_its_share_and_the_rest_of_the_pool_stays_open()
    {
        _accounts[_alice.Address] = (0, 1_000_000);
        _accounts[_bob.Address] = (0, 10);
        var pool = Pool(max: TxPool.PerSenderMax + 10);
        for (ulong n = 0; n < TxPool.PerSenderMax; n++) Assert.True(pool.TryAdd(Transfer(_alice, n, 1)).Accepted);
        Assert.Equal(AdmissionCode.SenderFull, pool.TryAdd(Transfer(_alice, TxPool.PerSenderMax, 1)).Code);
        Assert.True(pool.TryAdd(Transfer(_bob, 0, 1)).Accepted);
    }

    [Fact]
    public void Update_after_a_commit_drops_used_nonces_and_what_the_balance_no_longer_covers()
    {
        _accounts[_alice.Address] = (0, 100UL);
        var pool = Pool();
        var t0 = Transfer(_alice, 0, 10);
        var t1 = Transfer(_alice, 1, 50);
        var t2 = Transfer(_alice, 2, 30);
        foreach (var tx in new[] { t0, t1, t2 }) Assert.True(pool.TryAdd(tx).Accepted);
        // A block committed t0 and, from elsewhere, the balance dropped to 60: t1 still fits, t2 not.
        _accounts[_alice.Address] = (1, 60);
        pool.Update([t0]);
        Assert.False(pool.Contains(t0.Hash));
        Assert.True(pool.Contains(t1.Hash));
        Assert.False(pool.Contains(t2.Hash));
        Assert.Equal([t1], pool.Reap(10, 1_000_000));
    }
}
