using Polis.Core;
using Polis.Core.Crypto;

namespace Polis.State.Tree;

/// <summary>
/// Applies a sorted batch of updates to a tree, touching only the paths that change. New nodes are
/// collected for one atomic write; unchanged subtrees are shared with earlier versions.
/// </summary>
internal sealed class TreeUpdater(Func<Hash32, TreeNode> load)
{
    private readonly Dictionary<Hash32, TreeNode> _created = new();

    public IReadOnlyCollection<TreeNode> Created => _created.Values;

    /// <summary>Updates sorted by key hash, one per key; a null value hash deletes.</summary>
    public Hash32 Apply(in Hash32 root, ReadOnlySpan<(Hash32 KeyHash, Hash32? ValueHash)> updates) =>
        Update(Lazy(root), 0, updates).Hash;

    private readonly record struct NodeRef(Hash32 Hash, NodeKind Kind);

    private static readonly NodeRef EmptyRef = new(Hash32.Zero, NodeKind.Empty);

    /// <summary>
    /// A subtree whose kind is not known yet. Untouched siblings stay unresolved: loading them only
    /// to learn their kind would double the reads of every update, and their kind matters only when
    /// the other side became empty (a deletion), where <see cref="Join"/> resolves it.
    /// </summary>
    private const NodeKind Unresolved = (NodeKind)0xFF;

    private static NodeRef Lazy(in Hash32 hash) => hash.IsZero ? EmptyRef : new NodeRef(hash, Unresolved);

    private NodeRef Resolve(NodeRef node) => node.Kind == Unresolved ? new NodeRef(node.Hash, Load(node.Hash).Kind) : node;

    private TreeNode Load(in Hash32 hash) => _created.TryGetValue(hash, out var node) ? node : load(hash);

    private NodeRef Update(NodeRef node, int depth, ReadOnlySpan<(Hash32 KeyHash, Hash32? ValueHash)> updates)
    {
        if (updates.Length == 0) return node;
        Invariant.Check(depth <= 256, "state tree deeper than 256 bits");
        node = Resolve(node);
        switch (node.Kind)
        {
            case NodeKind.Empty:
                return Build(depth, Leaves(null, updates));
            case NodeKind.Leaf:
                return Build(depth, Leaves(Load(node.Hash), updates));
            default:
                var inner = Load(node.Hash);
                int split = SplitIndex(updates, depth);
                var left = Update(Lazy(inner.Left), depth + 1, updates[..split]);
                var right = Update(Lazy(inner.Right), depth + 1, updates[split..]);
                return Join(left, right);
        }
    }

    /// <summary>The existing leaf (if any) with the updates applied, deletions dropped, sorted by key hash.</summary>
    private static List<(Hash32 KeyHash, Hash32 ValueHash)> Leaves(TreeNode? existing, ReadOnlySpan<(Hash32 KeyHash, Hash32? ValueHash)> updates)
    {
        var leaves = new List<(Hash32, Hash32)>(updates.Length + 1);
        bool existingReplaced = existing is null;
        foreach (var (keyHash, valueHash) in updates)
        {
            if (!existingReplaced && existing!.KeyHash < keyHash)
            {
                leaves.Add((existing.KeyHash, existing.ValueHash));
                existingReplaced = true;
            }
            if (!existingReplaced && existing!.KeyHash == keyHash) existingReplaced = true;
            if (valueHash is { } v) leaves.Add((keyHash, v));
        }
        if (!existingReplaced) leaves.Add((existing!.KeyHash, existing.ValueHash));
        return leaves;
    }

    private NodeRef Build(int depth, List<(Hash32 KeyHash, Hash32 ValueHash)> leaves) => Build(depth, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(leaves));

    private NodeRef Build(int depth, ReadOnlySpan<(Hash32 KeyHash, Hash32 ValueHash)> leaves)
    {
        if (leaves.Length == 0) return EmptyRef;
        if (leaves.Length == 1) return Store(TreeNode.Leaf(leaves[0].KeyHash, leaves[0].ValueHash));
        Invariant.Check(depth < 256, "two leaves with one key hash");
        int split = 0;
        while (split < leaves.Length && !leaves[split].KeyHash.Bit(depth)) split++;
        return Join(Build(depth + 1, leaves[..split]), Build(depth + 1, leaves[split..]));
    }

    /// <summary>An internal node over two subtrees, except that a lone leaf is lifted (path compression).</summary>
    private NodeRef Join(NodeRef left, NodeRef right)
    {
        if (left.Kind == NodeKind.Empty)
        {
            right = Resolve(right);
            if (right.Kind != NodeKind.Internal) return right;
        }
        if (right.Kind == NodeKind.Empty)
        {
            left = Resolve(left);
            if (left.Kind != NodeKind.Internal) return left;
        }
        return Store(TreeNode.Internal(left.Hash, right.Hash));
    }

    private NodeRef Store(TreeNode node)
    {
        _created.TryAdd(node.Hash, node);
        return new NodeRef(node.Hash, node.Kind);
    }

    private static int SplitIndex(ReadOnlySpan<(Hash32 KeyHash, Hash32? ValueHash)> updates, int depth)
    {
        int i = 0;
        while (i < updates.Length && !updates[i].KeyHash.Bit(depth)) i++;
        return i;
    }
}
