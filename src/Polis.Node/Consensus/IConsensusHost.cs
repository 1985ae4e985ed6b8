using Polis.Core.Ledger;

namespace Polis.Node.Consensus;

/// <summary>What the consensus reactor asks of the node around it (called on the loop).</summary>
internal interface IConsensusHost
{
    /// <summary>Commits a decided block: the ledger, the mempool, the other components, the followers.</summary>
    void CommitDecided(Block block, Commit commit);

    /// <summary>A fetched block of <paramref name="height"/>, if block sync holds one.</summary>
    bool TryTakeFetched(ulong height, out (Block Block, Commit Commit) next);

    /// <summary>Whether peers are more than a height ahead.</summary>
    bool IsSyncing { get; }

    /// <summary>Asks peers for the next blocks (block sync).</summary>
    void RequestBlocks();

    /// <summary>Queues an input for the loop (a proposer that waited builds its block then).</summary>
    void Post(LoopInput input);
}
