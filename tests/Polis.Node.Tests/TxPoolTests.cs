using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution.Fees;
using Polis.Modules.Accounts;
using Polis.Node.Mempool;

namespace Polis.Node.Tests;

public sealed class TxPoolTests
{
    private const string Chain = "polis-test";
    private readonly KeyPair _alice = KeyPair.FromLabel("alice");
    private readonly KeyPair _bob = KeyPair.FromLabel("bob");
    private readonly Dictionary<Address, (ulong Nonce, ulong Balance)> _accounts = new();

    private FeeSchedule _fees = FeeSchedule.None;

    private TxPool Pool(int max = 100, long bytesMax = MempoolLimits.DefaultBytesMax, ISignatureVerifier? verifier = null) =>
        new(Chain, verifier ?? new CachingSignatureVerifier(), new MempoolLimits(max, bytesMax), new Ledger(_accounts, () => _fees));

    /// <summary>A module that takes bodies up to the protocol's limit (64 KB), as the attack needs.</summary>
    private static readonly ModuleId Blobs = new(9);

    /// <summary>Accounts as a dictionary; the Accounts module says what a transaction spends and how large its body may be, as on a node.</summary>
    private sealed class Ledger(Dictionary<Address, (ulong Nonce, ulong Balance)> accounts, Func<FeeSchedule> fees) : IAdmissionLedger
    {
        private static readonly AccountsModule Accounts = new();
        public ulong CommittedHeight => 0;
        public ulong NonceOf(in Address address) => accounts.GetValueOrDefault(address).Nonce;
        public (ulong Nonce, ulong Balance) AccountOf(in Address address) => accounts.GetValueOrDefault(address);
        public ulong NativeSpendOf(Transaction tx) => tx.Module == AccountsKeys.Module ? Accounts.NativeSpendOf(tx) : 0;
        public ulong FeeOf(Transaction tx) => fees().TryFeeOf(tx, out ulong fee) ? fee : ulong.MaxValue;
        public int? BodyBytesMaxOf(ModuleId module) => module == AccountsKeys.Module ? Accounts.BodyBytesMax : module == Blobs ? Limits.TxBodyBytesMax : null;
    }

    /// <summary>Counts signature checks, so a test sees what a refused flood cost.</summary>
    private sealed class CountingVerifier : ISignatureVerifier
    {
        public int Checks;
        public bool Verify(PublicKey key, ReadOnlySpan<byte> message, in Signature signature)
        {
            Interlocked.Increment(ref Checks);
            return key.Verify(message, signature);
        }
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
        var pool = Pool(max: MempoolLimits.DefaultSenderTxsMax + 10);
        for (ulong n = 0; n < MempoolLimits.DefaultSenderTxsMax; n++) Assert.True(pool.TryAdd(Transfer(_alice, n, 1)).Accepted);
        Assert.Equal(AdmissionCode.SenderFull, pool.TryAdd(Transfer(_alice, MempoolLimits.DefaultSenderTxsMax, 1)).Code);
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

    [Fact]
    public void Fees_are_checked_at_admission_with_what_the_sender_already_has_pending()
    {
        _fees = new FeeSchedule(PerTransaction: 100, PerByte: 1, KeyPair.FromLabel("treasury").Address);
        var first = Transfer(_alice, 0, 10);
        ulong fee = 100 + (ulong)first.Encoded.Length;
        _accounts[_alice.Address] = (0, 2 * (fee + 10) - 1);
        var pool = Pool();
        Assert.True(pool.TryAdd(first).Accepted);
        // The second costs as much again; the balance is one short of both.
        var refused = pool.TryAdd(Transfer(_alice, 1, 10));
        Assert.Equal(AdmissionCode.InsufficientFunds, refused.Code);
        Assert.Contains($"fee {fee}", refused.Reason);
        Assert.True(pool.TryAdd(Transfer(_alice, 1, 9)).Accepted);
        // A body larger than its module takes is refused before anything else is spent on it.
        var padded = Transaction.Create(Chain, _alice, 2, AccountsKeys.Module, new byte[new AccountsModule().BodyBytesMax + 1]);
        Assert.Equal(AdmissionCode.BodyTooLarge, pool.TryAdd(padded).Code);
        // After a commit that raised nothing, the pending costs are counted again from the balance.
        _accounts[_alice.Address] = (1, fee + 9);
        pool.Update([first]);
        Assert.Equal(1, pool.Count);
        Assert.Equal(AdmissionCode.InsufficientFunds, pool.TryAdd(Transfer(_alice, 2, 0)).Code);
    }

    /// <summary>
    /// The attack: 10 fresh keys × 1,000 nonces × 64 KB bodies. Nothing of it enters the
    /// pool, and it costs no signature check: a key that holds nothing cannot pay one fee.
    /// </summary>
    [Fact]
    public void Keys_that_cannot_pay_put_nothing_in_the_pool_and_cost_no_signature_check()
    {
        _fees = new FeeSchedule(PerTransaction: 1_000, PerByte: 10, KeyPair.FromLabel("treasury").Address);
        var verifier = new CountingVerifier();
        var pool = Pool(max: 200_000, verifier: verifier);
        var body = new byte[Limits.TxBodyBytesMax];
        int refused = 0;
        for (int k = 0; k < 10; k++)
        {
            using var key = KeyPair.Generate();
            for (ulong n = 0; n < 1_000; n++)
            {
                var admission = pool.TryAdd(Transaction.Create(Chain, key, n, Blobs, body));
                Assert.True(admission.Code is AdmissionCode.InsufficientFunds or AdmissionCode.NonceGap, admission.Reason);
                refused++;
            }
        }
        Assert.Equal(10_000, refused);
        Assert.Equal(0, pool.Count);
        Assert.Equal(0, pool.Bytes);
        Assert.Equal(0, verifier.Checks);
    }

    /// <summary>A sender that can pay still fills only its share of the pool's bytes, and the pool its own bound.</summary>
    [Fact]
    public void Paying_senders_are_bounded_in_bytes_per_sender_and_in_all()
    {
        _fees = new FeeSchedule(PerTransaction: 1_000, PerByte: 10, KeyPair.FromLabel("treasury").Address);
        var body = new byte[Limits.TxBodyBytesMax];
        long bytesMax = 3 * MempoolLimits.DefaultSenderBytesMax;
        var pool = Pool(max: 200_000, bytesMax: bytesMax);
        var senders = Enumerable.Range(0, 5).Select(i => KeyPair.FromLabel($"rich-{i}")).ToArray();
        foreach (var key in senders) _accounts[key.Address] = (0, ulong.MaxValue / 8);
        var codes = new List<AdmissionCode>();
        var accepted = new List<int>();
        int size = 0;
        foreach (var key in senders)
        {
            ulong n = 0;
            for (; n < 100; n++)
            {
                var tx = Transaction.Create(Chain, key, n, Blobs, body);
                size = tx.Encoded.Length;
                var admission = pool.TryAdd(tx);
                if (!admission.Accepted) { codes.Add(admission.Code); break; }
            }
            accepted.Add((int)n);
        }
        int perSender = (int)(MempoolLimits.DefaultSenderBytesMax / size);
        Assert.Equal([AdmissionCode.SenderFull, AdmissionCode.SenderFull, AdmissionCode.SenderFull, AdmissionCode.Full, AdmissionCode.Full], codes);
        Assert.Equal([perSender, perSender, perSender], accepted.Take(3));
        Assert.Equal(0, accepted[4]);
        Assert.True(pool.Bytes <= bytesMax && pool.Bytes > bytesMax - size, $"pool holds {pool.Bytes} bytes, bound {bytesMax}: it should be full to within one transaction");
        // Room for a small transfer is still there for anyone who can pay for it.
        _accounts[_bob.Address] = (0, 1_000_000);
        Assert.True(pool.TryAdd(Transfer(_bob, 0, 1)).Accepted);
    }

    /// <summary>What a peer relays is checked signature first: a forgery naming an unfunded sender is still a forgery (and ends the link), not "insufficient funds".</summary>
    [Fact]
    public void A_relayed_forgery_is_called_a_forgery_whatever_its_sender_holds()
    {
        _fees = new FeeSchedule(PerTransaction: 1_000, PerByte: 10, KeyPair.FromLabel("treasury").Address);
        var forged = Transaction.Decode(Tamper(Transfer(KeyPair.FromLabel("nobody"), 0, 1).Encoded));
        Assert.Equal(AdmissionCode.InsufficientFunds, Pool().TryAdd(forged).Code);
        Assert.Equal(AdmissionCode.BadSignature, Pool().TryAdd(forged, signatureFirst: true).Code);
    }
}
