using Polis.Consensus;
using Polis.Consensus.Gossip;
using Polis.Consensus.Wal;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution;

namespace Polis.Simulation;

/// <summary>
/// One simulated validator process. The durable part (WAL, block store, committed state) survives
/// a crash; the engine, the chain's pending executions, the mempool and timers do not.
/// </summary>
public sealed class SimNode(int instance, int validatorIndex, KeyPair key, ByzantineBehavior behavior, IVersionedState state, Disk.SimDisk disk)
{
    public int Instance { get; } = instance;
    public int ValidatorIndex { get; } = validatorIndex;
    public KeyPair Key { get; } = key;
    public ByzantineBehavior Behavior { get; } = behavior;
    public bool IsHonest => Behavior == ByzantineBehavior.None;
    public string Name => IsHonest ? $"v{ValidatorIndex}" : $"v{ValidatorIndex}/{Behavior}#{Instance}";

    // Durable: what a real node has on disk. The consensus journal is the node's real code on a simulated disk.
    public Disk.SimDisk Disk { get; } = disk;
    public List<(Block Block, Commit Commit)> Blocks { get; } = new();
    public IVersionedState State { get; } = state;

    // Volatile: rebuilt on restart.
    public ConsensusEngine Engine { get; set; } = null!;
    public ConsensusJournal? Journal { get; set; }
    /// <summary>The node's consensus gossip (its real rules) and its views of the peers it is connected to, by instance.</summary>
    public ConsensusGossip<Messages.SimMessage>? Gossip { get; set; }
    public Dictionary<int, SimPeer> Peers { get; } = new();
    /// <summary>Future-height messages already passed to the engine (the node counts each once).</summary>
    public LaterHeightMessages FutureSeen { get; } = new();
    /// <summary>A crash is armed: the process dies at its next few disk operations (mid-write), or at the restart time at the latest.</summary>
    public bool Dying { get; set; }
    /// <summary>Sectors damaged while the node was down, not yet seen by the journal.</summary>
    public List<string> UnreportedDamage { get; } = new();
    public Chain Chain { get; set; } = null!;
    public List<Transaction> Mempool { get; } = new();
    /// <summary>Evidence of equivocating votes waiting for this node's next block (the node's pool).</summary>
    public List<DuplicateVoteEvidence> Evidence { get; } = new();
    public SortedDictionary<ulong, (Block Block, Commit Commit)> CatchUp { get; } = new();
    /// <summary>Votes of the working heights already counted and journaled (the node's known-message set).</summary>
    public HashSet<(Address, VoteType, ulong, int, Hash32)> VoteIds { get; } = new();

    public static (Address, VoteType, ulong, int, Hash32) VoteId(Vote vote) => (vote.Validator, vote.Type, vote.Height, vote.Round, vote.BlockId);
    public int Incarnation { get; set; }
    public bool IsUp { get; set; }
    public int Crashes { get; set; }
    public long EvidenceReported { get; set; }
    public int JournalRefusals { get; set; }
    public int JournalWarnings { get; set; }

    public ulong Height => Blocks.Count == 0 ? 0 : Blocks[^1].Block.Height;
}
