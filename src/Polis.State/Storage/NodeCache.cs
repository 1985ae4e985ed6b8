using System.Collections.Concurrent;
using Polis.Core.Crypto;
using Polis.State.Tree;

namespace Polis.State.Storage;

/// <summary>
/// A bounded cache of tree nodes in two generations: new entries go to the young one; when it is
/// full it becomes the old one and the previous old one is dropped. A hit in the old generation
/// moves the node to the young one, so the nodes every update reads (the upper levels) survive
/// every turnover, at the cost of a dictionary lookup instead of an LRU list. Clearing everything
/// when full, as before, made every update after a turnover read its whole path from RocksDB.
/// Concurrent because API threads read committed versions while the loop commits; a lost race
/// only costs a miss, since nodes are immutable and content-addressed.
/// </summary>
internal sealed class NodeCache(int generationMax)
{
    private sealed class Generations(int capacity, ConcurrentDictionary<Hash32, TreeNode>? old)
    {
        // Sized up front: growing a dictionary of a quarter million entries showed in profiles.
        public readonly ConcurrentDictionary<Hash32, TreeNode> Young = new(Environment.ProcessorCount, capacity);
        public readonly ConcurrentDictionary<Hash32, TreeNode> Old = old ?? new();
        public int YoungCount;
    }

    private volatile Generations _generations = new(generationMax, null);

    public bool TryGet(in Hash32 hash, out TreeNode node)
    {
        var g = _generations;
        if (g.Young.TryGetValue(hash, out node!)) return true;
        if (!g.Old.TryGetValue(hash, out node!)) return false;
        Add(node);
        return true;
    }

    public void Add(TreeNode node)
    {
        var g = _generations;
        if (!g.Young.TryAdd(node.Hash, node)) return;
        if (Interlocked.Increment(ref g.YoungCount) < generationMax) return;
        // One thread wins the turnover; the others keep adding to what is now the old generation, which is harmless.
        var next = new Generations(generationMax, g.Young);
        Interlocked.CompareExchange(ref _generations, next, g);
    }
}
