using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution.Evidence;

namespace Polis.Execution;

/// <summary>
/// The replicated state machine of one node: validates proposals by executing them (immediate
/// execution: the header carries the state root after its own transactions), builds blocks for
/// its proposer turns, and commits decided blocks. Each proposal is executed once; the decided
/// one's writes are committed without re-execution.
/// </summary>
public sealed class Chain
{
    /// <summary>Executions kept for the current height; more than this means an equivocation storm.</summary>
    private const int PendingMax = 16;

    private readonly Genesis _genesis;
    private readonly IVersionedState _state;
    private readonly BlockExecutor _executor;
    private readonly ISignatureVerifier _verifier;
    private readonly Dictionary<Hash32, ExecutedBlock> _pending = new();

    public Chain(Genesis genesis, IVersionedState state, ISignatureVerifier verifier, ModuleSet modules)
    {
        _genesis = genesis;
        _state = state;
        _verifier = verifier;
        _executor = new BlockExecutor(genesis.Id, verifier, modules);
        if (state.LatestVersion is null)
        {
            var genesisState = state.Begin(null);
            genesis.ApplyTo(genesisState, modules);
            genesisState.Commit();
        }
        Validators = genesis.Validators;
        LastBlockId = genesis.Hash;
        LastBlockTimeMs = genesis.TimeMs;
        Height = 0;
    }

    public string ChainId => _genesis.Id;
    public Genesis Genesis => _genesis;
    public ulong Height { get; private set; }
    public Hash32 LastBlockId { get; private set; }
    public long LastBlockTimeMs { get; private set; }
    public Commit? LastCommit { get; private set; }
    public ValidatorSet Validators { get; private set; }
    public Hash32 StateRoot => _state.RootAt(Height);
    public IVersionedState State => _state;
    public ModuleSet Modules => _executor.Modules;

    /// <summary>
    /// Re-attaches to a state that already holds committed heights (after a restart), from the last
    /// stored block and its commit.
    /// </summary>
    public void Resume(Block lastBlock, Commit lastCommit)
    {
        Invariant.Check(_state.LatestVersion == lastBlock.Height, $"state is at version {_state.LatestVersion}, last block is {lastBlock.Height}");
        Invariant.Check(_state.RootAt(lastBlock.Height) == lastBlock.Header.StateRoot, "stored state root differs from the last block's header");
        Height = lastBlock.Height;
        LastBlockId = lastBlock.Id;
        LastBlockTimeMs = lastBlock.Header.TimeMs;
        LastCommit = lastCommit;
    }

    public Block Build(long timeMs, Address proposer, IReadOnlyList<Transaction> candidates, IReadOnlyList<DuplicateVoteEvidence> evidence,
        int txsMax = Limits.BlockTxsMax, int bytesMax = Limits.BlockBytesMax / 2)
    {
        ulong height = Height + 1;
        long time = Math.Max(timeMs, LastBlockTimeMs + 1);
        var working = _state.Begin(Height);
        var (included, outcome, _) = _executor.SelectAndExecute(candidates, working, new BlockContext(height, time), txsMax, bytesMax);
        RefuseValidatorUpdates(outcome);
        evidence = AcceptableEvidence(evidence, height, working);
        RecordEvidence(evidence, height, working);
        var header = new BlockHeader(ChainId, height, time, LastBlockId,
            Block.TransactionsRoot(included), working.ComputeRoot(), Validators.Hash, proposer,
            LastCommit?.Hash() ?? Hash32.Zero, Block.EvidenceRootOf(evidence));
        var block = new Block(header, included, LastCommit, evidence);
        Remember(new ExecutedBlock(block, outcome, working));
        return block;
    }

    /// <summary>Everything that makes <paramref name="block"/> acceptable as the next block, ending with its state root.</summary>
    public BlockValidation Validate(Block block)
    {
        if (_pending.ContainsKey(block.Id)) return BlockValidation.Ok;
        var h = block.Header;
        if (h.ChainId != ChainId) return BlockValidation.Invalid($"block is for chain '{h.ChainId}'");
        if (h.Height != Height + 1) return BlockValidation.Invalid($"block height {h.Height}, expected {Height + 1}");
        if (h.PreviousBlockId != LastBlockId) return BlockValidation.Invalid("previous block id does not match");
        if (h.TimeMs <= LastBlockTimeMs) return BlockValidation.Invalid("block time does not advance");
        if (h.ValidatorSetHash != Validators.Hash) return BlockValidation.Invalid("validator set hash does not match");
        if (Validators.Find(h.Proposer) is null) return BlockValidation.Invalid("proposer is not a validator");
        string structure = block.CheckStructure();
        if (structure.Length > 0) return BlockValidation.Invalid(structure);
        if (block.LastCommit is not null && (LastCommit is null || block.LastCommit.Hash() != LastCommit.Hash()))
        {
            string commitError = block.LastCommit.Verify(ChainId, Validators, Height, LastBlockId, _verifier);
            if (commitError.Length > 0) return BlockValidation.Invalid("last commit: " + commitError);
        }
        var working = _state.Begin(Height);
        var seen = new HashSet<Hash32>();
        foreach (var e in block.Evidence)
        {
            var key = Validators.Find(e.Validator)?.PublicKey;
            if (key is null || !e.Verify(ChainId, key)) return BlockValidation.Invalid("evidence does not verify");
            if (!seen.Add(e.Hash())) return BlockValidation.Invalid("the same evidence twice in one block");
            string refusal = EvidenceRecord.Refusal(e, h.Height, working);
            if (refusal.Length > 0) return BlockValidation.Invalid(refusal);
        }
        var (outcome, reason) = _executor.Execute(block.Transactions, working, new BlockContext(h.Height, h.TimeMs));
        if (outcome is null) return BlockValidation.Invalid(reason);
        RefuseValidatorUpdates(outcome);
        RecordEvidence(block.Evidence, h.Height, working);
        var root = working.ComputeRoot();
        if (root != h.StateRoot) return BlockValidation.Invalid($"state root {h.StateRoot.Short} differs from the executed {root.Short}");
        Remember(new ExecutedBlock(block, outcome, working));
        return BlockValidation.Ok;
    }

    /// <summary>The evidence a proposer may include: verifiable, once, not too old, not committed before.</summary>
    private List<DuplicateVoteEvidence> AcceptableEvidence(IReadOnlyList<DuplicateVoteEvidence> candidates, ulong height, IStateView state)
    {
        var accepted = new List<DuplicateVoteEvidence>();
        var seen = new HashSet<Hash32>();
        foreach (var e in candidates)
        {
            if (accepted.Count >= Limits.BlockEvidenceMax) break;
            var key = Validators.Find(e.Validator)?.PublicKey;
            if (key is null || !e.Verify(ChainId, key) || !seen.Add(e.Hash()) || EvidenceRecord.Refusal(e, height, state).Length > 0) continue;
            accepted.Add(e);
        }
        return accepted;
    }

    /// <summary>Committed evidence is recorded in the state, after the block's transactions (every validator writes the same).</summary>
    private static void RecordEvidence(IReadOnlyList<DuplicateVoteEvidence> evidence, ulong height, IStateView state)
    {
        foreach (var e in evidence) EvidenceRecord.Store(state, e.Hash(), height);
    }

    /// <summary>
    /// Validator-set changes need the header to name the next set and light clients to follow it
    /// (the governance issue builds both); until then a module that asks for one is a bug of ours,
    /// caught here on every node alike rather than applied by some.
    /// </summary>
    private static void RefuseValidatorUpdates(BlockOutcome outcome) =>
        Invariant.Check(outcome.ValidatorUpdates.Count == 0, "a module asked for a validator-set change, which this chain cannot apply yet");

    private void Remember(ExecutedBlock executed)
    {
        if (_pending.Count >= PendingMax) _pending.Clear();
        _pending[executed.Block.Id] = executed;
    }

    /// <summary>
    /// Commits a decided block: its already executed writes become the next state version.
    /// <paramref name="beforeStateCommit"/> sees the outcome just before the state is written, so a
    /// store can put the block and its indexes in the same atomic batch.
    /// </summary>
    public BlockOutcome Commit(Block block, Commit commit, Action<BlockOutcome>? beforeStateCommit = null)
    {
        Invariant.Check(block.Height == Height + 1, $"commit of height {block.Height} at height {Height}");
        if (!_pending.TryGetValue(block.Id, out var executed))
        {
            var verdict = Validate(block);
            Invariant.Check(verdict.Valid, $"a decided block is invalid here ({verdict.Reason}): this node's execution diverged");
            executed = _pending[block.Id];
        }
        beforeStateCommit?.Invoke(executed.Outcome);
        executed.State.Commit();
        _pending.Clear();
        Height = block.Height;
        LastBlockId = block.Id;
        LastBlockTimeMs = block.Header.TimeMs;
        LastCommit = commit;
        Invariant.Check(_state.RootAt(Height) == block.Header.StateRoot, "committed state root differs from the header");
        return executed.Outcome;
    }
}
