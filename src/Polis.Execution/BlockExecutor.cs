using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution.Auth;
using Polis.Execution.Fees;

namespace Polis.Execution;

/// <summary>
/// Runs a block through the modules: every module's begin-block hook, the transactions in order,
/// every module's end-block hook. Authentication (signature, chain, nonce) and the fee are validity
/// conditions of the block: a block carrying a forged or replayed transaction, or one whose sender
/// cannot pay its fee, is invalid, so nothing enters a block without paying. Module failures are
/// not: they are recorded, change nothing but the fee, emit nothing, and still consume the nonce so
/// the transaction can never be replayed. The fees of a block are credited to the schedule's
/// collector after its last transaction, in one write. Not thread-safe: one executor per chain.
/// </summary>
public sealed class BlockExecutor
{
    /// <summary>Below this many transactions, verifying on one thread beats the cost of fanning out.</summary>
    private const int ParallelVerifyThreshold = 32;

    private readonly string _chainId;
    private readonly ISignatureVerifier _verifier;
    private readonly EventLog _events = new();

    public BlockExecutor(string chainId, ISignatureVerifier verifier, ModuleSet modules)
    {
        _chainId = chainId;
        _verifier = verifier;
        Modules = modules;
    }

    public ModuleSet Modules { get; }

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

    /// <summary>Executes a proposed block. Returns a null outcome and a reason when the block is invalid.</summary>
    public (BlockOutcome? Outcome, string Reason) Execute(IReadOnlyList<Transaction> txs, IStateView state, in BlockContext block)
    {
        var signatureOk = VerifySignatures(txs);
        var begin = BeginBlock(state, block);
        var fees = new BlockFees(FeeRecord.Load(state));
        var results = new List<TxResult>(txs.Count);
        for (int i = 0; i < txs.Count; i++)
        {
            if (!signatureOk[i]) return (null, $"transaction {i} ({txs[i].Hash.Short}) has a bad signature or chain id");
            var result = ApplyOne(txs[i], state, block, ref fees, out string reason);
            if (result is null) return (null, $"transaction {i} ({txs[i].Hash.Short}): {reason}");
            results.Add(result);
        }
        PayCollector(state, fees);
        var (end, updates) = EndBlock(state, block);
        return (new BlockOutcome(results, begin, end, updates), "");
    }

    /// <summary>
    /// Picks, in order, the candidates that may go in a block (authentic, next nonce) and executes
    /// them; the others are skipped and reported, so a proposer never builds an invalid block.
    /// </summary>
    public (List<Transaction> Included, BlockOutcome Outcome, List<(Transaction Tx, string Reason)> Skipped) SelectAndExecute(
        IReadOnlyList<Transaction> candidates, IStateView state, in BlockContext block, int txsMax, int bytesMax)
    {
        var signatureOk = VerifySignatures(candidates);
        var begin = BeginBlock(state, block);
        var fees = new BlockFees(FeeRecord.Load(state));
        var included = new List<Transaction>();
        var results = new List<TxResult>();
        var skipped = new List<(Transaction, string)>();
        long bytes = 0;
        for (int i = 0; i < candidates.Count && included.Count < txsMax; i++)
        {
            var tx = candidates[i];
            if (bytes + tx.Encoded.Length + 4 > bytesMax) break;
            if (!signatureOk[i]) { skipped.Add((tx, "bad signature or chain id")); continue; }
            var result = ApplyOne(tx, state, block, ref fees, out string reason);
            if (result is null) { skipped.Add((tx, reason)); continue; }
            included.Add(tx);
            results.Add(result);
            bytes += tx.Encoded.Length + 4;
        }
        PayCollector(state, fees);
        var (end, updates) = EndBlock(state, block);
        return (included, new BlockOutcome(results, begin, end, updates), skipped);
    }

    private IReadOnlyList<ModuleEvent> BeginBlock(IStateView state, in BlockContext block)
    {
        foreach (var module in Modules.Modules)
        {
            var scratch = new OverlayView(state);
            int before = _events.Count;
            module.BeginBlock(block, scratch, _events);
            CheckEvents(module, before);
            Flush(scratch, module);
        }
        return _events.Take();
    }

    private (IReadOnlyList<ModuleEvent> Events, IReadOnlyList<ValidatorUpdate> Updates) EndBlock(IStateView state, in BlockContext block)
    {
        List<ValidatorUpdate>? updates = null;
        foreach (var module in Modules.Modules)
        {
            var scratch = new OverlayView(state);
            int before = _events.Count;
            var asked = module.EndBlock(block, scratch, _events);
            CheckEvents(module, before);
            Flush(scratch, module);
            if (asked.Count > 0) (updates ??= []).AddRange(asked);
        }
        return (_events.Take(), updates ?? (IReadOnlyList<ValidatorUpdate>)[]);
    }

    /// <summary>The block's fee schedule (read once, after the begin-block hooks) and what its transactions have paid so far.</summary>
    private struct BlockFees(FeeSchedule schedule)
    {
        public readonly FeeSchedule Schedule = schedule;
        public ulong Collected;
    }

    /// <summary>
    /// Takes the fee and consumes the nonce, then applies the module in an overlay kept only on
    /// success. Null (nothing written) when the nonce is wrong or the sender cannot pay the fee.
    /// </summary>
    private TxResult? ApplyOne(Transaction tx, IStateView state, in BlockContext block, ref BlockFees fees, out string reason)
    {
        var nonceKey = NonceRecord.Key(tx.SenderAddress);
        ulong next = NonceRecord.LoadAt(state, nonceKey);
        if (tx.Nonce != next)
        {
            reason = tx.Nonce < next ? $"nonce {tx.Nonce} already used (next is {next})" : $"nonce {tx.Nonce} is ahead of the next nonce {next}";
            return null;
        }
        if (!fees.Schedule.IsFree && !TryTakeFee(tx, state, ref fees, out reason)) return null;
        reason = "";
        NonceRecord.StoreAt(state, nonceKey, next + 1);
        var module = Modules.Find(tx.Module);
        if (module is null) return new TxResult(tx.Hash, ExecutionResults.UnknownModule, $"module {tx.Module} does not run on this chain");
        if (tx.Body.Length > module.BodyBytesMax)
            return new TxResult(tx.Hash, ExecutionResults.BodyTooLarge, $"body of {tx.Body.Length} bytes exceeds module {module.Name}'s limit of {module.BodyBytesMax}");
        var scratch = new OverlayView(state);
        TxResult result;
        try
        {
            result = module.Apply(tx, scratch, block, _events);
        }
        catch (Exception e) when (IsModuleFault(e))
        {
            // A module's bug that a transaction reaches fails that transaction on every validator
            // alike (the same code on the same input throws the same way), as Cosmos SDK recovers a
            // panicking message; it must not stop the chain. Only the exception's type is recorded:
            // its message may carry what differs between nodes.
            _events.Discard();
            return new TxResult(tx.Hash, ExecutionResults.ModuleFault, $"module {module.Name} failed with {e.GetType().Name}");
        }
        Invariant.Check(result.TxHash == tx.Hash, $"module {module.Name} answered for another transaction");
        Invariant.Check(result.Events.Count == 0, $"module {module.Name} returned events in its result; events go through the event log");
        Invariant.Check(result.IsOk || Modules.Declares(module.Id, result.Code),
            $"module {module.Name} returned result {result.Code.Name}, which it does not declare (another module's, or undeclared)");
        if (!result.IsOk)
        {
            _events.Discard();
            return result;
        }
        CheckEvents(module, 0);
        Flush(scratch, module);
        var events = _events.Take();
        return events.Count == 0 ? result : result with { Events = events };
    }

    private bool TryTakeFee(Transaction tx, IStateView state, ref BlockFees fees, out string reason)
    {
        // The genesis refuses a fee schedule on a chain without a native asset.
        var native = Modules.NativeAsset ?? throw new InvariantViolationException("a fee schedule is set but no module holds the native asset");
        var payer = tx.SenderAddress;
        if (!fees.Schedule.TryFeeOf(tx, out ulong fee) || !native.TryTake(state, payer, fee))
        {
            reason = $"the sender cannot pay the fee of {fee} (balance {native.NativeBalance(state, payer)})";
            return false;
        }
        // Fees are taken from balances, so their sum is bounded by the supply, which fits in 64 bits.
        Invariant.Check(ulong.MaxValue - fees.Collected >= fee, "the block's fees overflow 64 bits");
        fees.Collected += fee;
        reason = "";
        return true;
    }

    private void PayCollector(IStateView state, in BlockFees fees)
    {
        if (fees.Collected > 0) Modules.NativeAsset!.Give(state, fees.Schedule.Collector, fees.Collected);
    }

    /// <summary>
    /// A fault of the module's own code. Not: our invariants, the store failing underneath
    /// (<see cref="StateReadException"/>), the runtime running out of memory, or wrappers that may
    /// hide one of those: each stops the node instead of failing the transaction on this node alone.
    /// </summary>
    private static bool IsModuleFault(Exception e) =>
        e is not (InvariantViolationException or StateReadException or OutOfMemoryException or AggregateException or TypeInitializationException);

    private void Flush(OverlayView scratch, IModule module)
    {
        foreach (var key in scratch.WrittenKeys)
            Invariant.Check(Modules.MayWrite(module.Id, key), $"module {module.Name} wrote state key {Convert.ToHexStringLower(key)} outside the prefixes it may write");
        scratch.Flush();
    }

    /// <summary>Modules emit through the shared log; each must name itself, so an event is always traced to its module.</summary>
    private void CheckEvents(IModule module, int from)
    {
        var pending = _events.Pending;
        for (int i = from; i < pending.Count; i++)
            Invariant.Check(pending[i].Module == module.Id, $"module {module.Name} emitted an event as module {pending[i].Module}");
    }
}
