using Polis.Core.Crypto;

namespace Polis.Core.Merkle;

/// <summary>
/// The RFC 6962 Merkle tree: leaf = SHA-256(0x00 || data), inner = SHA-256(0x01 || left || right),
/// split at the largest power of two below n. The prefixes keep a leaf from passing for an inner node.
/// </summary>
public static class MerkleTree
{
    public const byte LeafPrefix = 0x00;
    public const byte InnerPrefix = 0x01;

    /// <summary>Root of the empty tree: SHA-256 of the empty string, as RFC 6962 defines it.</summary>
    public static readonly Hash32 EmptyRoot = Sha256.Hash(ReadOnlySpan<byte>.Empty);

    public static Hash32 LeafHash(ReadOnlySpan<byte> data) => Sha256.Hash(LeafPrefix, data);

    public static Hash32 InnerHash(in Hash32 left, in Hash32 right) => Sha256.Hash(InnerPrefix, left, right);

    /// <summary>Root over leaves that are already leaf hashes.</summary>
    public static Hash32 RootOfLeafHashes(ReadOnlySpan<Hash32> leaves)
    {
        if (leaves.Length == 0) return EmptyRoot;
        // Bottom-up pairwise reduction gives the same tree as the recursive RFC 6962 split:
        // an odd node out at a level is carried up unchanged.
        var level = leaves.ToArray();
        int count = level.Length;
        while (count > 1)
        {
            int next = 0;
            for (int i = 0; i + 1 < count; i += 2) level[next++] = InnerHash(level[i], level[i + 1]);
            if ((count & 1) == 1) level[next++] = level[count - 1];
            count = next;
        }
        return level[0];
    }

    public static Hash32 Root(IReadOnlyList<byte[]> items)
    {
        var leaves = new Hash32[items.Count];
        for (int i = 0; i < leaves.Length; i++) leaves[i] = LeafHash(items[i]);
        return RootOfLeafHashes(leaves);
    }

    /// <summary>The audit path of leaf <paramref name="index"/>, siblings ordered from the leaf upwards.</summary>
    public static MerkleProof Prove(ReadOnlySpan<Hash32> leaves, int index)
    {
        if ((uint)index >= (uint)leaves.Length) throw new ArgumentOutOfRangeException(nameof(index));
        var siblings = new List<Hash32>();
        var level = leaves.ToArray();
        int count = level.Length, position = index;
        while (count > 1)
        {
            int sibling = position ^ 1;
            if (sibling < count) siblings.Add(level[sibling]);
            int next = 0;
            for (int i = 0; i + 1 < count; i += 2) level[next++] = InnerHash(level[i], level[i + 1]);
            if ((count & 1) == 1) level[next++] = level[count - 1];
            count = next;
            position >>= 1;
        }
        return new MerkleProof((ulong)index, (ulong)leaves.Length, siblings.ToArray());
    }
}
