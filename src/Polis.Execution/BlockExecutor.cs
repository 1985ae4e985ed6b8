using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution.Accounts;

namespace Polis.Execution;

/// <summary>
/// Applies a block's transactions in order through the modules. Authentication (signature, chain,
/// nonce) is a validity condition of the block: a block carrying a forged or replayed transaction is
/// invalid. Module failures are not: they are recorded, change nothing, and still consume the nonce
/// so the transaction can never be replayed.
/// </summary>
public sealed class BlockExecutor
{
    /// <summary>Below this many transactions, verifying on one thread beats the cost of fanning out.</summary>
    private const int ParallelVerifyThreshold = 32;

    private readonly string _chainId;
    private readonly ISignatureVerifier _verifier;
    private readonly Dictionary<ModuleId, IModule> _modules = new();

    public BlockExecutor(string chainId, ISignatureVerifier verifier, IEnumerable<IModule>? modules = null)
    {
        _chainId = chainId;
        _verifier = verifier;
        foreach (var m in modules ?? [new AccountsModule()]) _modules.Add(m.Id, m);
    }

    /// <summary>Checks every signature, in parallel for large blocks; each is checked once (the verifier may cache).</summary>
    public bool[] VerifySignatures(IReadOnlyList<Transaction> txs)
    {
        var ok = new bool[txs.Count];
        if (txs.Count < ParallelVerifyThreshold)
        {
            for (int i = 0; i < ok.Length; i++) ok[i] = Verify(txs[i]);
        }
        else
        {
            Parallel.For(0, ok.Length, i => ok[i] = Verify(txs[i]));
        }
        return ok;
    }

    private bool Verify(Transaction tx) => tx.ChainId == _chainId && _verifier.VerifyTransaction(tx);

    /// <summary>Executes a proposed block's transactions. Returns null results and a reason when the block is invalid.</summary>
    public (IReadOnlyList<TxResult>? Results, string Reason) Execute(IReadOnlyList<Transaction> txs, IStateView state, in BlockContext block)
    {
        var signatureOk = VerifySignatures(txs);
        var results = new List<TxResult>(txs.Count);
        for (int i = 0; i < txs.Count; i++)
        {
            if (!signatureOk[i]) return (null, $"transaction {i} ({txs[i].Hash.Short}) has a bad signature or chain id");
            var result = ApplyOne(txs[i], state, block, out string reason);
            if (result is null) return (null, $"transaction {i} ({txs[i].Hash.Short}): {reason}");
            results.Add(result);
        }
        return (results, "");
    }

    /// <summary>
    /// Picks, in order, the candidates that may go in a block (authentic, next nonce) and executes
    /// them; the others are skipped and reported, so a proposer never builds an invalid block.
    /// </summary>
    public (List<Transaction> Included, List<TxResult> Results, List<(Transaction Tx, string Reason)> Skipped) SelectAndExecute(
        IReadOnlyList<Transaction> candidates, IStateView state, in BlockContext block, int txsMax, int bytesMax)
    {
        var signatureOk = VerifySignatures(candidates);
        var included = new List<Transaction>();
        var results = new List<TxResult>();
        var skipped = new List<(Transaction, string)>();
        long bytes = 0;
        for (int i = 0; i < candidates.Count && included.Count < txsMax; i++)
        {
            var tx = candidates[i];
            if (bytes + tx.Encoded.Length + 4 > bytesMax) break;
            if (!signatureOk[i]) { skipped.Add((tx, "bad signature or chain id")); continue; }
            var result = ApplyOne(tx, state, block, out string reason);
            if (result is null) { skipped.Add((tx, reason)); continue; }
            included.Add(tx);
            results.Add(result);
            bytes += tx.Encoded.Length + 4;
        }
        return (included, results, skipped);
    }

    /// <summary>Consumes the nonce, then applies the module in an overlay kept only on success. Null when the nonce is wrong.</summary>
    private TxResult? ApplyOne(Transaction tx, IStateView state, in BlockContext block, out string reason)
    {
        var sender = tx.SenderAddress;
        var account = AccountRecord.Load(state, sender);
        if (tx.Nonce != account.Nonce)
        {
            reason = tx.Nonce < account.Nonce ? $"nonce {tx.Nonce} already used (next is {account.Nonce})" : $"nonce {tx.Nonce} is ahead of the next nonce {account.Nonce}";
            return null;
        }
        reason = "";
        (account with { Nonce = account.Nonce + 1 }).Store(state, sender);
        if (!_modules.TryGetValue(tx.Module, out var module))
            return new TxResult(tx.Hash, TxResultCode.UnknownOperation, $"module {tx.Module} is not enabled");
        var scratch = new OverlayView(state);
        var result = module.Apply(tx, scratch, block);
        if (result.IsOk) scratch.Flush();
        return result;
    }
}
