using Polis.City.Devices;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Execution.Accounts;
using Polis.State;
using Polis.State.Storage;

namespace Polis.Node.Storage;

/// <summary>
/// A node's ledger on disk: the state tree, blocks, commits and indexes in one RocksDB, and the
/// chain that executes on it with the node's modules. <see cref="Commit"/> is what every node does
/// when a height is decided: the block, its commit, its indexes and its state land in one atomic
/// batch. The node's loop uses it; so does `polis bench sync`, which writes a long chain directly.
/// </summary>
public sealed class NodeLedger : IDisposable
{
    public NodeLedger(Genesis genesis, string dataDirectory, ISignatureVerifier verifier)
    {
        Storage = new RocksDbStateStorage(dataDirectory);
        Blocks = new BlockStore(Storage);
        Devices = new DeviceIndex(Storage);
        Chain = new Chain(genesis, new TreeState(new StateTree(Storage)), verifier,
            new BlockExecutor(genesis.Id, verifier, [new AccountsModule(), new DevicesModule()]));
        ulong stored = Blocks.LatestHeight;
        if (stored > 0)
        {
            var block = Blocks.GetBlock(stored) ?? throw new InvalidDataException($"block {stored} missing from the store");
            var commit = Blocks.GetCommit(stored) ?? throw new InvalidDataException($"commit {stored} missing from the store");
            Chain.Resume(block, commit);
        }
    }

    public RocksDbStateStorage Storage { get; }
    public BlockStore Blocks { get; }
    public DeviceIndex Devices { get; }
    public Chain Chain { get; }

    /// <summary>Commits a decided block (executed before, or now) with its block-store and index records.</summary>
    public IReadOnlyList<TxResult> Commit(Block block, Commit commit) =>
        Chain.Commit(block, commit, results =>
        {
            Blocks.Stage(block, commit, results);
            Devices.Stage(block, results);
        });

    public void Dispose() => Storage.Dispose();
}
