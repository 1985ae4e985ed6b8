using Polis.Consensus;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution;

namespace Polis.Simulation;

/// <summary>
/// One simulated validator process. The durable part (WAL, block store, committed state) survives
/// a crash; the engine, the chain's pending executions, the mempool and timers do not.
/// </summary>
public sealed class SimNode(int instance, int validatorIndex, KeyPair key, ByzantineBehavior behavior, IVersionedState state)
{
    public int Instance { get; } = instance;
    public int ValidatorIndex { get; } = validatorIndex;
    public KeyPair Key { get; } = key;
    public ByzantineBehavior Behavior { get; } = behavior;
    public bool IsHonest => Behavior == ByzantineBehavior.None;
    public string Name => IsHonest ? $"v{ValidatorIndex}" : $"v{ValidatorIndex}/{Behavior}#{Instance}";

    // Durable: what a real node has on disk.
    public SignRecord? WalLast { get; set; }
    public List<(Block Block, Commit Commit)> Blocks { get; } = new();
    public IVersionedState State { get; } = state;

    // Volatile: rebuilt on restart.
    public ConsensusEngine Engine { get; set; } = null!;
    public Chain Chain { get; set; } = null!;
    public List<Transaction> Mempool { get; } = new();
    public SortedDictionary<ulong, (Block Block, Commit Commit)> CatchUp { get; } = new();
    public int Incarnation { get; set; }
    public bool IsUp { get; set; }
    public int Crashes { get; set; }
    public long EvidenceReported { get; set; }

    public ulong Height => Blocks.Count == 0 ? 0 : Blocks[^1].Block.Height;
}
