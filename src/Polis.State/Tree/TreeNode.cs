using System.Buffers.Binary;
using System.Numerics;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Proofs;

namespace Polis.State.Tree;

/// <summary>
/// A stored node: sixteen slots, one per value of the next hex digit (four bits) of the key hash.
/// The tree it stores is still the binary sparse Merkle tree of <see cref="StateTree"/>: a node's
/// hash is the root of the binary tree over its slots under the binary rules (an empty subtree is
/// zero, a lone leaf is lifted, anything else is an internal node of its two halves), so roots and
/// proofs are those of the binary tree. Storing four levels per node, as Diem's Jellyfish Merkle
/// tree does, makes an update read and write about log16 rather than log2 nodes: at a million keys
/// 5 to 6 instead of 20 to 21, and the upper levels of a million-key tree fit in a small cache.
/// Content-addressed: a node's storage key is its hash. Every node but a root holds at least two
/// keys (a lone key is a leaf in its parent's slot); a root may hold one.
/// </summary>
public sealed class TreeNode
{
    public const int SlotCount = 16;
    public const byte LeafPrefix = StateHashes.LeafPrefix;
    public const byte InternalPrefix = StateHashes.InternalPrefix;
    private const int HeaderSize = 4;
    /// <summary>Sixteen leaves: the largest encoding a node can have.</summary>
    public const int EncodedSizeMax = HeaderSize + SlotCount * 2 * Hash32.Size;

    // Compact, because a node cache holds hundreds of thousands of these: per non-empty slot in slot
    // order its hash (a leaf's or a child's), and per leaf in slot order its key and value hashes.
    private readonly Hash32[] _hashes;
    private readonly Hash32[] _leafHashes;
    private readonly ushort _present;   // bit i: slot i is not empty
    private readonly ushort _leaves;    // bit i: slot i holds a leaf

    /// <summary>A node over exactly sixteen slots, at least one of them not empty.</summary>
    public TreeNode(ReadOnlySpan<TreeSlot> slots)
    {
        if (slots.Length != SlotCount) throw new ArgumentException($"a node has {SlotCount} slots, got {slots.Length}", nameof(slots));
        for (int i = 0; i < SlotCount; i++)
        {
            if (slots[i].Kind == NodeKind.Empty) continue;
            _present |= (ushort)(1 << i);
            if (slots[i].Kind == NodeKind.Leaf) _leaves |= (ushort)(1 << i);
        }
        if (_present == 0) throw new ArgumentException("a node with no keys", nameof(slots));
        _hashes = new Hash32[BitOperations.PopCount(_present)];
        _leafHashes = new Hash32[2 * BitOperations.PopCount(_leaves)];
        int n = 0, l = 0;
        for (int i = 0; i < SlotCount; i++)
        {
            var slot = slots[i];
            if (slot.Kind == NodeKind.Empty) continue;
            _hashes[n++] = slot.Hash;
            if (slot.Kind != NodeKind.Leaf) continue;
            _leafHashes[l++] = slot.KeyHash;
            _leafHashes[l++] = slot.ValueHash;
        }
        (Kind, Hash) = Subtree(0, SlotCount);
    }

    /// <summary>Internal, or Leaf for a root that holds a single key (its hash is then that leaf's).</summary>
    public NodeKind Kind { get; }
    public Hash32 Hash { get; }

    public TreeSlot this[int slot]
    {
        get
        {
            uint bit = 1u << slot;
            if ((_present & bit) == 0) return TreeSlot.Empty;
            var hash = _hashes[BitOperations.PopCount(_present & (bit - 1))];
            if ((_leaves & bit) == 0) return TreeSlot.Child(hash);
            int leaf = 2 * BitOperations.PopCount(_leaves & (bit - 1));
            return TreeSlot.FromStored(_leafHashes[leaf], _leafHashes[leaf + 1], hash);
        }
    }

    public static Hash32 LeafHash(in Hash32 keyHash, in Hash32 valueHash) => StateHashes.Leaf(keyHash, valueHash);
    public static Hash32 InternalHash(in Hash32 left, in Hash32 right) => StateHashes.Internal(left, right);

    /// <summary>
    /// The binary subtree over the aligned slot range [first, first + count), count a power of two:
    /// Empty when the range holds nothing, Leaf when it holds exactly one leaf (the lifted leaf's hash).
    /// </summary>
    public (NodeKind Kind, Hash32 Hash) Subtree(int first, int count)
    {
        var kind = KindOf(first, count);
        if (kind == NodeKind.Empty) return (kind, Hash32.Zero);
        if (count == 1) return (kind, _hashes[BitOperations.PopCount(_present & ((1u << first) - 1))]);
        if (kind == NodeKind.Leaf) return (kind, OnlyLeaf(first, count).Hash);
        int half = count / 2;
        var left = Subtree(first, half);
        var right = Subtree(first + half, half);
        // The range holds two keys or a child node, so it is internal even when one half is empty.
        return (NodeKind.Internal, InternalHash(left.Hash, right.Hash));
    }

    /// <summary>What the binary subtree over the slot range is, from the bitmaps alone.</summary>
    public NodeKind KindOf(int first, int count)
    {
        uint mask = ((1u << count) - 1) << first;
        uint present = _present & mask;
        if (present == 0) return NodeKind.Empty;
        return BitOperations.PopCount(present) == 1 && (_leaves & present) != 0 ? NodeKind.Leaf : NodeKind.Internal;
    }

    /// <summary>The one leaf of a range whose <see cref="KindOf"/> is Leaf.</summary>
    public TreeSlot OnlyLeaf(int first, int count)
    {
        uint present = _present & (((1u << count) - 1) << first);
        if (BitOperations.PopCount(present) != 1 || (_leaves & present) == 0) throw new InvalidOperationException("the range does not hold exactly one leaf");
        return this[BitOperations.TrailingZeroCount(present)];
    }

    public int EncodedSize => HeaderSize + _hashes.Length * Hash32.Size + _leafHashes.Length / 2 * Hash32.Size;

    /// <summary>present bitmap, leaf bitmap (big-endian u16 each), then per slot in order: a child's hash, or a leaf's key and value hashes.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[EncodedSize];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, _present);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), _leaves);
        int at = HeaderSize;
        for (int i = 0; i < SlotCount; i++)
        {
            var slot = this[i];
            if (slot.Kind == NodeKind.Empty) continue;
            if (slot.Kind == NodeKind.Leaf)
            {
                slot.KeyHash.WriteTo(bytes.AsSpan(at));
                slot.ValueHash.WriteTo(bytes.AsSpan(at + Hash32.Size));
                at += 2 * Hash32.Size;
            }
            else
            {
                slot.Hash.WriteTo(bytes.AsSpan(at));
                at += Hash32.Size;
            }
        }
        return bytes;
    }

    /// <summary>Decodes a stored node and checks it hashes to the key it was stored under: a corrupt store fails loudly.</summary>
    public static TreeNode Decode(ReadOnlySpan<byte> bytes, in Hash32 expectedHash)
    {
        if (bytes.Length < HeaderSize || bytes.Length > EncodedSizeMax) throw new CodecException($"state node of {bytes.Length} bytes");
        ushort present = BinaryPrimitives.ReadUInt16BigEndian(bytes);
        ushort leaves = BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]);
        if (present == 0 || (leaves & ~present) != 0) throw new CodecException("state node with an impossible slot map");
        int expectedSize = HeaderSize + BitOperations.PopCount(present) * Hash32.Size + BitOperations.PopCount(leaves) * Hash32.Size;
        if (bytes.Length != expectedSize) throw new CodecException($"state node of {bytes.Length} bytes, its slot map needs {expectedSize}");
        Span<TreeSlot> slots = stackalloc TreeSlot[SlotCount];
        int at = HeaderSize;
        for (int i = 0; i < SlotCount; i++)
        {
            if ((present & (1 << i)) == 0) continue;
            if ((leaves & (1 << i)) != 0)
            {
                slots[i] = TreeSlot.Leaf(new Hash32(bytes.Slice(at, Hash32.Size)), new Hash32(bytes.Slice(at + Hash32.Size, Hash32.Size)));
                at += 2 * Hash32.Size;
            }
            else
            {
                slots[i] = TreeSlot.Child(new Hash32(bytes.Slice(at, Hash32.Size)));
                at += Hash32.Size;
            }
        }
        var node = new TreeNode(slots);
        if (node.Hash != expectedHash) throw new CodecException($"state node {expectedHash.Short} is corrupt: it hashes to {node.Hash.Short}");
        return node;
    }
}
