using Polis.Core.Crypto;

namespace Polis.State.Tree;

/// <summary>
/// What one of a node's sixteen slots holds: nothing, a leaf (its key and value hashes, and the
/// leaf hash computed once), or a child node (its hash). The default value is an empty slot.
/// </summary>
public readonly struct TreeSlot
{
    private TreeSlot(NodeKind kind, Hash32 hash, Hash32 keyHash, Hash32 valueHash)
    {
        Kind = kind;
        Hash = hash;
        KeyHash = keyHash;
        ValueHash = valueHash;
    }

    public static readonly TreeSlot Empty;

    public NodeKind Kind { get; }
    /// <summary>A leaf's hash or a child node's hash; zero when empty.</summary>
    public Hash32 Hash { get; }
    /// <summary>A leaf's key hash (zero otherwise).</summary>
    public Hash32 KeyHash { get; }
    /// <summary>A leaf's value hash (zero otherwise).</summary>
    public Hash32 ValueHash { get; }

    public static TreeSlot Leaf(in Hash32 keyHash, in Hash32 valueHash) =>
        new(NodeKind.Leaf, TreeNode.LeafHash(keyHash, valueHash), keyHash, valueHash);

    /// <summary>A leaf whose hash is already known (kept in its node): not hashed again.</summary>
    internal static TreeSlot FromStored(in Hash32 keyHash, in Hash32 valueHash, in Hash32 leafHash) => new(NodeKind.Leaf, leafHash, keyHash, valueHash);

    public static TreeSlot Child(in Hash32 nodeHash) => new(NodeKind.Internal, nodeHash, Hash32.Zero, Hash32.Zero);
}
