using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Core.Merkle;

/// <summary>
/// An inclusion proof for leaf <see cref="Index"/> of a tree of <see cref="LeafCount"/> leaves. The
/// verifier recomputes the path's shape from index and count. A root does not commit to its leaf
/// count, so (index, count) pairs that give the same shape accept the same proof (index 2 of 3 and
/// index 4 of 5, say): a caller that must prove a position or a count needs the count from an
/// authenticated source as well.
/// </summary>
public sealed class MerkleProof(ulong index, ulong leafCount, Hash32[] siblings)
{
    public ulong Index { get; } = index;
    public ulong LeafCount { get; } = leafCount;
    public IReadOnlyList<Hash32> Siblings => siblings;

    public bool Verify(in Hash32 root, ReadOnlySpan<byte> leafData) => VerifyLeafHash(root, MerkleTree.LeafHash(leafData));

    public bool VerifyLeafHash(in Hash32 root, Hash32 leafHash)
    {
        if (Index >= LeafCount) return false;
        ulong position = Index, count = LeafCount;
        int used = 0;
        var hash = leafHash;
        while (count > 1)
        {
            ulong sibling = position ^ 1;
            if (sibling < count)
            {
                if (used >= siblings.Length) return false;
                hash = (position & 1) == 0 ? MerkleTree.InnerHash(hash, siblings[used]) : MerkleTree.InnerHash(siblings[used], hash);
                used++;
            }
            count = count / 2 + (count & 1); // (count + 1) / 2 wraps to 0 at 2^64 - 1
            position >>= 1;
        }
        return used == siblings.Length && hash == root;
    }

    public void Encode(CanonicalWriter w)
    {
        w.WriteU64(Index);
        w.WriteU64(LeafCount);
        w.WriteCount(siblings.Length);
        foreach (var s in siblings) w.WriteHash(s);
    }

    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(20 + siblings.Length * Hash32.Size);
        Encode(w);
        return w.ToArray();
    }

    public static MerkleProof Decode(ref CanonicalReader r)
    {
        ulong index = r.ReadU64("index");
        ulong count = r.ReadU64("leaf count");
        int n = r.ReadCount(Limits.MerkleProofDepthMax, Hash32.Size, "siblings");
        var siblings = new Hash32[n];
        for (int i = 0; i < n; i++) siblings[i] = r.ReadHash("sibling");
        return new MerkleProof(index, count, siblings);
    }

    public static MerkleProof Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        var proof = Decode(ref r);
        r.End("merkle proof");
        return proof;
    }
}
