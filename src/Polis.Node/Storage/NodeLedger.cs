using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Modules;
using Polis.Modules.Indexing;
using Polis.State;
using Polis.State.Storage;

namespace Polis.Node.Storage;

/// <summary>
/// A node's ledger on disk: the state tree, blocks, commits, outcomes and indexes in one RocksDB,
/// and the chain that executes on it with the node's modules. <see cref="Commit"/> is what every
/// node does when a height is decided: the block, its commit, its outcome, its indexes and its state
/// land in one atomic batch. The node's loop uses it; so does `polis bench sync`, which writes a
/// long chain directly.
/// </summary>
public sealed class NodeLedger : IDisposable
{
    /// <summary>The hash of the genesis the store was started from (<c>G</c>): a store is only ever opened with that genesis.</summary>
    private static readonly byte[] GenesisKey = [(byte)'G'];
    private readonly IReadOnlyList<CityModule> _modules;
    private readonly IIndexWriter[] _indexWriters;

    public NodeLedger(Genesis genesis, string dataDirectory, ISignatureVerifier verifier, IReadOnlyList<CityModule> modules)
    {
        _modules = modules;
        Storage = new RocksDbStateStorage(dataDirectory);
        CheckGenesis(genesis, dataDirectory);
        Blocks = new BlockStore(Storage);
        Indexes = new ModuleIndexes(Storage);
        _indexWriters = modules.Select(m => Indexes.WriterFor(m.Id)).ToArray();
        Chain = new Chain(genesis, new TreeState(new StateTree(Storage)), verifier, new ModuleSet(modules));
        ulong stored = Blocks.LatestHeight;
        if (stored > 0)
        {
            var block = Blocks.GetBlock(stored) ?? throw new InvalidDataException($"block {stored} missing from the store");
            var commit = Blocks.GetCommit(stored) ?? throw new InvalidDataException($"commit {stored} missing from the store");
            Chain.Resume(block, commit);
        }
    }

    /// <summary>
    /// The height a stopped node's store has committed (0: none, or no store), for the journal's
    /// repair: a validator may have signed at the height after it.
    /// </summary>
    public static ulong CommittedHeightAt(string dataDirectory)
    {
        if (!Directory.Exists(dataDirectory) || !Directory.EnumerateFileSystemEntries(dataDirectory).Any()) return 0;
        using var storage = new RocksDbStateStorage(dataDirectory);
        return new BlockStore(storage).LatestHeight;
    }

    public RocksDbStateStorage Storage { get; }
    public BlockStore Blocks { get; }
    public ModuleIndexes Indexes { get; }
    public Chain Chain { get; }
    public IReadOnlyList<CityModule> Modules => _modules;

    /// <summary>Commits a decided block (executed before, or now) with its block-store, outcome and index records.</summary>
    public BlockOutcome Commit(Block block, Commit commit) =>
        Chain.Commit(block, commit, outcome =>
        {
            Blocks.Stage(block, commit, outcome);
            var committed = new CommittedBlock(block, outcome);
            for (int i = 0; i < _modules.Count; i++) _modules[i].Index(committed, _indexWriters[i]);
        });

    /// <summary>
    /// A new store records its genesis hash with the genesis state; an existing one must carry this
    /// genesis's hash. Otherwise its nonces and balances belong to another chain (or to a release
    /// whose state layout differs) and resuming on it could let old transactions replay.
    /// </summary>
    private void CheckGenesis(Genesis genesis, string dataDirectory)
    {
        var stored = Storage.Database.Get(GenesisKey);
        if (Storage.LatestVersion is null)
        {
            Storage.StageWrite(GenesisKey, genesis.Hash.ToArray());
            return;
        }
        if (stored is not null && stored.AsSpan().SequenceEqual(genesis.Hash.ToArray())) return;
        Storage.Dispose();
        throw new InvalidDataException(stored is null
            ? $"the data directory {dataDirectory} was written by a release before 2026-12-07, whose state layout differs: move it aside and start from this genesis (a validator syncs from its peers)"
            : $"the data directory {dataDirectory} holds the chain of another genesis ({Convert.ToHexStringLower(stored)}, this one is {genesis.Hash}): move it aside, or use the genesis it was started with");
    }

    public void Dispose() => Storage.Dispose();
}
