using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.State.Tree;

/// <summary>
/// A stored node. A leaf commits to (key hash, value hash) and sits at the shallowest depth where it
/// is alone in its subtree (path compression); an internal node commits to its two children.
/// Nodes are content-addressed: a node's storage key is its hash, so versions share subtrees.
/// </summary>
public sealed class TreeNode
{
    public const byte LeafPrefix = 0x00;
    public const byte InternalPrefix = 0x01;
    public const int EncodedSize = 1 + 2 * Hash32.Size;

    private TreeNode(NodeKind kind, Hash32 a, Hash32 b)
    {
        Kind = kind;
        A = a;
        B = b;
        Hash = kind == NodeKind.Leaf ? LeafHash(a, b) : Sha256.Hash(InternalPrefix, a, b);
    }

    public NodeKind Kind { get; }
    /// <summary>Leaf: key hash. Internal: left child hash.</summary>
    public Hash32 A { get; }
    /// <summary>Leaf: value hash. Internal: right child hash.</summary>
    public Hash32 B { get; }
    public Hash32 Hash { get; }

    public Hash32 KeyHash => A;
    public Hash32 ValueHash => B;
    public Hash32 Left => A;
    public Hash32 Right => B;

    public static TreeNode Leaf(Hash32 keyHash, Hash32 valueHash) => new(NodeKind.Leaf, keyHash, valueHash);
    public static TreeNode Internal(Hash32 left, Hash32 right) => new(NodeKind.Internal, left, right);

    public static Hash32 LeafHash(in Hash32 keyHash, in Hash32 valueHash) => Sha256.Hash(LeafPrefix, keyHash, valueHash);
    public static Hash32 InternalHash(in Hash32 left, in Hash32 right) => Sha256.Hash(InternalPrefix, left, right);

    public byte[] ToBytes()
    {
        var bytes = new byte[EncodedSize];
        bytes[0] = (byte)Kind;
        A.WriteTo(bytes.AsSpan(1));
        B.WriteTo(bytes.AsSpan(1 + Hash32.Size));
        return bytes;
    }

    /// <summary>Decodes a stored node and checks it hashes to the key it was stored under: a corrupt store fails loudly.</summary>
    public static TreeNode Decode(ReadOnlySpan<byte> bytes, in Hash32 expectedHash)
    {
        if (bytes.Length != EncodedSize) throw new CodecException($"state node of {bytes.Length} bytes, expected {EncodedSize}");
        var kind = (NodeKind)bytes[0];
        if (kind != NodeKind.Leaf && kind != NodeKind.Internal) throw new CodecException($"state node kind {bytes[0]}");
        var node = new TreeNode(kind, new Hash32(bytes.Slice(1, Hash32.Size)), new Hash32(bytes.Slice(1 + Hash32.Size, Hash32.Size)));
        if (node.Hash != expectedHash) throw new CodecException($"state node {expectedHash.Short} is corrupt: it hashes to {node.Hash.Short}");
        return node;
    }
}
