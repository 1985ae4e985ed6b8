using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Node.Mempool;

/// <summary>
/// Transactions waiting for a block. Admission checks everything that can be checked before
/// execution (chain, module and body size, nonce, fee and balance, signature) so blocks are rarely
/// built from junk. The cheap checks come first: a flood from keys that cannot pay costs a state
/// read each, not a signature check. Each signature is verified here once, through the node's
/// caching verifier, so executing the block later finds the result cached. Per sender,
/// transactions are kept by nonce; a proposal takes each sender's run of consecutive nonces
/// starting at its account's next nonce. Bounded in transactions and bytes, in all and per sender
/// (<see cref="MempoolLimits"/>). Thread-safe: the API and the peers' readers admit while the
/// node's loop reaps and updates.
/// </summary>
public sealed class TxPool(string chainId, ISignatureVerifier verifier, MempoolLimits limits, IAdmissionLedger ledger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Hash32, Transaction> _byHash = new();
    private readonly Dictionary<Address, SenderQueue> _bySender = new();
    private long _bytes;

    /// <summary>
    /// One sender's waiting transactions. Each must continue the sender's run of nonces (the
    /// account's next nonce, or one after a pending one), so everything admitted can execute and
    /// leaves with the blocks: a sender cannot park unexecutable transactions to fill the pool.
    /// </summary>
    private sealed class SenderQueue
    {
        public readonly SortedList<ulong, Transaction> ByNonce = new();
        /// <summary>What the pending transactions may take from the native balance: their spends and their fees.</summary>
        public ulong PendingCost;
        public long Bytes;
    }

    public int Count { get { lock (_gate) return _byHash.Count; } }
    /// <summary>Bytes of the pending transactions' encodings.</summary>
    public long Bytes { get { lock (_gate) return _bytes; } }
    public MempoolLimits Limits => limits;

    public bool Contains(in Hash32 hash) { lock (_gate) return _byHash.ContainsKey(hash); }

    /// <summary>
    /// Admits <paramref name="tx"/> or says why not. <paramref name="signatureFirst"/> checks the
    /// signature before anything that reads state: for transactions a peer relays, where a forgery
    /// is the peer's fault whatever else is wrong with it; clients get the cheap checks first.
    /// </summary>
    public Admission TryAdd(Transaction tx, bool signatureFirst = false)
    {
        if (tx.ChainId != chainId) return new(AdmissionCode.WrongChain, $"transaction is for chain '{tx.ChainId}', this is '{chainId}'");
        int size = tx.Encoded.Length;
        lock (_gate)
        {
            if (_byHash.ContainsKey(tx.Hash)) return new(AdmissionCode.Duplicate, "transaction is already pending");
            if (FullFor(size) is { } full) return full;
        }
        if (signatureFirst && !verifier.VerifyTransaction(tx)) return new(AdmissionCode.BadSignature, "signature does not verify");
        if (ledger.BodyBytesMaxOf(tx.Module) is not { } bodyMax) return new(AdmissionCode.UnknownModule, $"module {tx.Module} does not run on this chain");
        if (tx.Body.Length > bodyMax) return new(AdmissionCode.BodyTooLarge, $"body of {tx.Body.Length} bytes exceeds this module's limit of {bodyMax}");
        var sender = tx.SenderAddress;
        ulong readAt = ledger.CommittedHeight;
        var account = ledger.AccountOf(sender);
        if (tx.Nonce < account.Nonce) return new(AdmissionCode.NonceUsed, $"nonce {tx.Nonce} already used (next is {account.Nonce})");
        ulong fee = ledger.FeeOf(tx);
        ulong cost = CostOf(tx, fee);
        // Before the signature: a key that cannot pay for this one transaction costs us no verification.
        if (account.Balance < cost) return NotCovered(account.Balance, fee, cost, 0);
        if (!signatureFirst && !verifier.VerifyTransaction(tx)) return new(AdmissionCode.BadSignature, "signature does not verify");
        lock (_gate)
        {
            if (_byHash.ContainsKey(tx.Hash)) return new(AdmissionCode.Duplicate, "transaction is already pending");
            if (FullFor(size) is { } full) return full;
            if (!_bySender.TryGetValue(sender, out var queue)) queue = new SenderQueue();
            if (queue.ByNonce.ContainsKey(tx.Nonce)) return new(AdmissionCode.NoncePending, $"another transaction with nonce {tx.Nonce} is already pending");
            // A commit may have landed since the account was read (spending the balance, or taking the
            // predecessor out of the queue): read again. Commits update the pool under this lock, so
            // an account read here agrees with the queue.
            if (ledger.CommittedHeight != readAt) account = ledger.AccountOf(sender);
            if (tx.Nonce < account.Nonce) return new(AdmissionCode.NonceUsed, $"nonce {tx.Nonce} already used (next is {account.Nonce})");
            if (tx.Nonce != account.Nonce && !queue.ByNonce.ContainsKey(tx.Nonce - 1))
                return new(AdmissionCode.NonceGap, $"nonce {tx.Nonce} leaves a gap: the next nonce is {account.Nonce}{(queue.ByNonce.Count > 0 ? $", pending up to {queue.ByNonce.Keys[^1]}" : "")}");
            if (queue.ByNonce.Count >= limits.SenderTxsMax) return new(AdmissionCode.SenderFull, $"this sender already has {limits.SenderTxsMax} transactions pending");
            if (queue.Bytes + size > limits.SenderBytesMax) return new(AdmissionCode.SenderFull, $"this sender's pending transactions would pass {limits.SenderBytesMax} bytes");
            if (account.Balance < queue.PendingCost || account.Balance - queue.PendingCost < cost) return NotCovered(account.Balance, fee, cost, queue.PendingCost);
            queue.ByNonce.Add(tx.Nonce, tx);
            queue.PendingCost += cost;
            queue.Bytes += size;
            _bySender[sender] = queue;
            _byHash.Add(tx.Hash, tx);
            _bytes += size;
        }
        return Admission.Ok;
    }

    private Admission? FullFor(int size)
    {
        if (_byHash.Count >= limits.TxsMax) return new(AdmissionCode.Full, $"mempool is full ({limits.TxsMax} transactions)");
        if (_bytes + size > limits.BytesMax) return new(AdmissionCode.Full, $"mempool is full ({limits.BytesMax} bytes)");
        return null;
    }

    private static Admission NotCovered(ulong balance, ulong fee, ulong cost, ulong pending) =>
        new(AdmissionCode.InsufficientFunds, fee == ulong.MaxValue
            ? "the fee of this transaction does not fit in 64 bits"
            : $"balance {balance} does not cover {cost} (fee {fee}){(pending > 0 ? $" on top of {pending} pending" : "")}");

    /// <summary>Fee plus spend, saturated: a cost that does not fit in 64 bits is more than any balance.</summary>
    private ulong CostOf(Transaction tx, ulong fee)
    {
        ulong spend = ledger.NativeSpendOf(tx);
        return ulong.MaxValue - spend < fee ? ulong.MaxValue : spend + fee;
    }

    /// <summary>Candidates for a block: each sender's consecutive nonces from its next nonce, within the bounds.</summary>
    public List<Transaction> Reap(int countMax, int bytesMax)
    {
        var picked = new List<Transaction>(Math.Min(countMax, 1024));
        long bytes = 0;
        lock (_gate)
        {
            foreach (var (sender, queue) in _bySender)
            {
                ulong next = ledger.NonceOf(sender);
                // Entries a commit made stale while their admission raced it leave here.
                while (queue.ByNonce.Count > 0 && queue.ByNonce.Keys[0] < next)
                {
                    var stale = queue.ByNonce.Values[0];
                    queue.ByNonce.RemoveAt(0);
                    queue.PendingCost -= Math.Min(queue.PendingCost, CostOf(stale, ledger.FeeOf(stale)));
                    queue.Bytes -= stale.Encoded.Length;
                    Forget(stale);
                }
                foreach (var (nonce, tx) in queue.ByNonce)
                {
                    if (nonce != next) break;
                    if (picked.Count >= countMax || bytes + tx.Encoded.Length > bytesMax) return picked;
                    picked.Add(tx);
                    bytes += tx.Encoded.Length;
                    next++;
                }
            }
        }
        return picked;
    }

    private void Forget(Transaction tx)
    {
        if (_byHash.Remove(tx.Hash)) _bytes -= tx.Encoded.Length;
    }

    /// <summary>After a commit: drops the committed transactions and any whose nonce is now used; re-checks those senders' balances.</summary>
    public void Update(IReadOnlyList<Transaction> committed)
    {
        lock (_gate)
        {
            var senders = new HashSet<Address>();
            foreach (var tx in committed)
            {
                Forget(tx);
                senders.Add(tx.SenderAddress);
            }
            foreach (var sender in senders)
            {
                if (!_bySender.TryGetValue(sender, out var queue)) continue;
                var account = ledger.AccountOf(sender);
                var keep = new List<Transaction>(queue.ByNonce.Count);
                foreach (var (nonce, tx) in queue.ByNonce)
                {
                    if (nonce >= account.Nonce) keep.Add(tx);
                    else Forget(tx);
                }
                queue.ByNonce.Clear();
                queue.PendingCost = 0;
                queue.Bytes = 0;
                bool broken = false; // after a transaction that no longer fits, the later nonces can never run
                foreach (var tx in keep)
                {
                    ulong cost = CostOf(tx, ledger.FeeOf(tx));
                    if (broken || account.Balance - queue.PendingCost < cost) { Forget(tx); broken = true; continue; }
                    queue.ByNonce.Add(tx.Nonce, tx);
                    queue.PendingCost += cost;
                    queue.Bytes += tx.Encoded.Length;
                }
                if (queue.ByNonce.Count == 0) _bySender.Remove(sender);
            }
        }
    }
}
