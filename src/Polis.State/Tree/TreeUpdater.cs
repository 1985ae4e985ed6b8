using Polis.Core;
using Polis.Core.Crypto;

namespace Polis.State.Tree;

/// <summary>
/// Applies a sorted batch of updates to a tree, touching only the nodes on the paths that change.
/// New nodes are collected for one atomic write; unchanged subtrees are shared with earlier versions.
/// A slot's kind is kept in its parent, so an untouched slot is copied without reading its node.
/// </summary>
internal sealed class TreeUpdater(Func<Hash32, TreeNode> load)
{
    private const int DepthMax = 64; // hex digits in a key hash

    private readonly Dictionary<Hash32, TreeNode> _created = new();

    public IReadOnlyCollection<TreeNode> Created => _created.Values;

    /// <summary>Updates sorted by key hash, one per key; a null value hash deletes. Returns the new root.</summary>
    public Hash32 Apply(in Hash32 root, ReadOnlySpan<(Hash32 KeyHash, Hash32? ValueHash)> updates)
    {
        if (updates.Length == 0) return root;
        return UpdateNode(root.IsZero ? null : Load(root), 0, updates, isRoot: true).Hash;
    }

    private TreeNode Load(in Hash32 hash) => _created.TryGetValue(hash, out var node) ? node : load(hash);

    /// <summary>The node at hex depth <paramref name="depth"/> (null: an empty root) with the updates under it applied.</summary>
    private TreeSlot UpdateNode(TreeNode? node, int depth, ReadOnlySpan<(Hash32 KeyHash, Hash32? ValueHash)> updates, bool isRoot)
    {
        Invariant.Check(depth < DepthMax, "state tree deeper than 64 hex digits");
        Span<TreeSlot> slots = stackalloc TreeSlot[TreeNode.SlotCount];
        if (node is not null)
            for (int i = 0; i < TreeNode.SlotCount; i++) slots[i] = node[i];
        for (int start = 0; start < updates.Length;)
        {
            int digit = updates[start].KeyHash.Nibble(depth);
            int end = start + 1;
            while (end < updates.Length && updates[end].KeyHash.Nibble(depth) == digit) end++;
            var slot = slots[digit];
            slots[digit] = slot.Kind == NodeKind.Internal
                ? UpdateNode(Load(slot.Hash), depth + 1, updates[start..end], isRoot: false)
                : Build(depth + 1, Leaves(slot, updates[start..end]));
            start = end;
        }
        return Seal(slots, isRoot);
    }

    /// <summary>The existing leaf (if any) with the updates applied, deletions dropped, sorted by key hash.</summary>
    private static List<(Hash32 KeyHash, Hash32 ValueHash)> Leaves(in TreeSlot existing, ReadOnlySpan<(Hash32 KeyHash, Hash32? ValueHash)> updates)
    {
        var leaves = new List<(Hash32, Hash32)>(updates.Length + 1);
        bool existingPlaced = existing.Kind != NodeKind.Leaf;
        foreach (var (keyHash, valueHash) in updates)
        {
            if (!existingPlaced && existing.KeyHash < keyHash)
            {
                leaves.Add((existing.KeyHash, existing.ValueHash));
                existingPlaced = true;
            }
            if (!existingPlaced && existing.KeyHash == keyHash) existingPlaced = true;
            if (valueHash is { } v) leaves.Add((keyHash, v));
        }
        if (!existingPlaced) leaves.Add((existing.KeyHash, existing.ValueHash));
        return leaves;
    }

    private TreeSlot Build(int depth, List<(Hash32 KeyHash, Hash32 ValueHash)> leaves) =>
        Build(depth, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(leaves));

    /// <summary>A slot holding these leaves (sorted, distinct), whose node (if it needs one) sits at hex depth <paramref name="depth"/>.</summary>
    private TreeSlot Build(int depth, ReadOnlySpan<(Hash32 KeyHash, Hash32 ValueHash)> leaves)
    {
        if (leaves.Length == 0) return TreeSlot.Empty;
        if (leaves.Length == 1) return TreeSlot.Leaf(leaves[0].KeyHash, leaves[0].ValueHash);
        Invariant.Check(depth < DepthMax, "two leaves with one key hash");
        Span<TreeSlot> slots = stackalloc TreeSlot[TreeNode.SlotCount];
        for (int start = 0; start < leaves.Length;)
        {
            int digit = leaves[start].KeyHash.Nibble(depth);
            int end = start + 1;
            while (end < leaves.Length && leaves[end].KeyHash.Nibble(depth) == digit) end++;
            slots[digit] = Build(depth + 1, leaves[start..end]);
            start = end;
        }
        return Seal(slots, isRoot: false);
    }

    /// <summary>
    /// What the parent's slot holds for these slots: nothing, a lone leaf lifted into it (the binary
    /// tree's path compression), or a new node. A root is always stored, even over a single leaf, so
    /// that the version's root hash leads to it.
    /// </summary>
    private TreeSlot Seal(ReadOnlySpan<TreeSlot> slots, bool isRoot)
    {
        int count = 0, last = 0;
        for (int i = 0; i < slots.Length; i++)
        {
            if (slots[i].Kind == NodeKind.Empty) continue;
            count++;
            last = i;
        }
        if (count == 0) return TreeSlot.Empty;
        if (count == 1 && slots[last].Kind == NodeKind.Leaf && !isRoot) return slots[last];
        var node = new TreeNode(slots);
        _created.TryAdd(node.Hash, node);
        return TreeSlot.Child(node.Hash);
    }
}
