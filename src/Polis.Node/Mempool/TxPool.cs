using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Node.Mempool;

/// <summary>
/// Transactions waiting for a block. Admission checks everything that can be checked before
/// execution (chain, signature, module, nonce, balance) so blocks are rarely built from junk; each
/// signature is verified here once, through the node's caching verifier, so executing the block
/// later finds the result cached. Per sender, transactions are kept by nonce; a proposal takes
/// each sender's run of consecutive nonces starting at its account's next nonce. Thread-safe:
/// the API and the peers' readers admit while the node's loop reaps and updates.
/// </summary>
public sealed class TxPool(string chainId, ISignatureVerifier verifier, int txsMax, IAdmissionLedger ledger)
{
    /// <summary>
    /// Transactions one sender may have waiting. Each must continue the sender's run of nonces (the
    /// account's next nonce, or one after a pending one), so everything admitted can execute and
    /// leaves with the blocks: a sender cannot park unexecutable transactions to fill the pool.
    /// </summary>
    public const int PerSenderMax = 1_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<Hash32, Transaction> _byHash = new();
    private readonly Dictionary<Address, SenderQueue> _bySender = new();

    private sealed class SenderQueue
    {
        public readonly SortedList<ulong, Transaction> ByNonce = new();
        public ulong PendingSpend;
    }

    public int Count { get { lock (_gate) return _byHash.Count; } }
    public int Capacity => txsMax;

    public bool Contains(in Hash32 hash) { lock (_gate) return _byHash.ContainsKey(hash); }

    public Admission TryAdd(Transaction tx)
    {
        if (tx.ChainId != chainId) return new(AdmissionCode.WrongChain, $"transaction is for chain '{tx.ChainId}', this is '{chainId}'");
        lock (_gate)
        {
            if (_byHash.ContainsKey(tx.Hash)) return new(AdmissionCode.Duplicate, "transaction is already pending");
            if (_byHash.Count >= txsMax) return new(AdmissionCode.Full, $"mempool is full ({txsMax} transactions)");
        }
        if (!ledger.Runs(tx.Module)) return new(AdmissionCode.UnknownModule, $"module {tx.Module} does not run on this chain");
        if (!verifier.VerifyTransaction(tx)) return new(AdmissionCode.BadSignature, "signature does not verify");
        var sender = tx.SenderAddress;
        var account = AccountOf(sender);
        if (tx.Nonce < account.Nonce) return new(AdmissionCode.NonceUsed, $"nonce {tx.Nonce} already used (next is {account.Nonce})");
        ulong spend = ledger.NativeSpendOf(tx);
        lock (_gate)
        {
            if (_byHash.ContainsKey(tx.Hash)) return new(AdmissionCode.Duplicate, "transaction is already pending");
            if (_byHash.Count >= txsMax) return new(AdmissionCode.Full, $"mempool is full ({txsMax} transactions)");
            if (!_bySender.TryGetValue(sender, out var queue)) queue = new SenderQueue();
            if (queue.ByNonce.ContainsKey(tx.Nonce)) return new(AdmissionCode.NoncePending, $"another transaction with nonce {tx.Nonce} is already pending");
            // A commit may have landed since the account was read (and taken the predecessor out of the queue): read again.
            if (tx.Nonce != account.Nonce && !queue.ByNonce.ContainsKey(tx.Nonce - 1)) account = AccountOf(sender);
            if (tx.Nonce < account.Nonce) return new(AdmissionCode.NonceUsed, $"nonce {tx.Nonce} already used (next is {account.Nonce})");
            if (tx.Nonce != account.Nonce && !queue.ByNonce.ContainsKey(tx.Nonce - 1))
                return new(AdmissionCode.NonceGap, $"nonce {tx.Nonce} leaves a gap: the next nonce is {account.Nonce}{(queue.ByNonce.Count > 0 ? $", pending up to {queue.ByNonce.Keys[^1]}" : "")}");
            if (queue.ByNonce.Count >= PerSenderMax) return new(AdmissionCode.SenderFull, $"this sender already has {PerSenderMax} transactions pending");
            if (account.Balance < queue.PendingSpend || account.Balance - queue.PendingSpend < spend)
                return new(AdmissionCode.InsufficientFunds, $"balance {account.Balance} does not cover {spend} on top of {queue.PendingSpend} pending");
            queue.ByNonce.Add(tx.Nonce, tx);
            queue.PendingSpend += spend;
            _bySender[sender] = queue;
            _byHash.Add(tx.Hash, tx);
        }
        return Admission.Ok;
    }

    private (ulong Nonce, ulong Balance) AccountOf(in Address sender) => ledger.AccountOf(sender);

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
                    queue.PendingSpend -= Math.Min(queue.PendingSpend, ledger.NativeSpendOf(stale));
                    _byHash.Remove(stale.Hash);
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

    /// <summary>After a commit: drops the committed transactions and any whose nonce is now used; re-checks those senders' balances.</summary>
    public void Update(IReadOnlyList<Transaction> committed)
    {
        lock (_gate)
        {
            var senders = new HashSet<Address>();
            foreach (var tx in committed)
            {
                _byHash.Remove(tx.Hash);
                senders.Add(tx.SenderAddress);
            }
            foreach (var sender in senders)
            {
                if (!_bySender.TryGetValue(sender, out var queue)) continue;
                var account = AccountOf(sender);
                var keep = new List<Transaction>(queue.ByNonce.Count);
                foreach (var (nonce, tx) in queue.ByNonce)
                {
                    if (nonce >= account.Nonce) keep.Add(tx);
                    else _byHash.Remove(tx.Hash);
                }
                queue.ByNonce.Clear();
                queue.PendingSpend = 0;
                bool broken = false; // after a transaction that no longer fits, the later nonces can never run
                foreach (var tx in keep)
                {
                    ulong spend = ledger.NativeSpendOf(tx);
                    if (broken || account.Balance - queue.PendingSpend < spend) { _byHash.Remove(tx.Hash); broken = true; continue; }
                    queue.ByNonce.Add(tx.Nonce, tx);
                    queue.PendingSpend += spend;
                }
                if (queue.ByNonce.Count == 0) _bySender.Remove(sender);
            }
        }
    }
}
