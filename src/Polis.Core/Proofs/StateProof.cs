using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Core.Proofs;

/// <summary>
/// Proof that a key has a given value, or no value, under a state root. It holds the siblings from
/// the root down to where the key's path ends, and what is there: nothing, or a leaf (the key's
/// own, or another key's that shares the whole path so far, which proves absence).
/// A verifier needs only the root: see <see cref="Verify"/>.
/// </summary>
public sealed class StateProof(Hash32[] siblings, bool hasLeaf, Hash32 leafKeyHash, Hash32 leafValueHash)
{
    public const int SiblingsMax = 256;

    public IReadOnlyList<Hash32> Siblings => siblings;
    public bool HasLeaf { get; } = hasLeaf;
    public Hash32 LeafKeyHash { get; } = leafKeyHash;
    public Hash32 LeafValueHash { get; } = leafValueHash;

    /// <summary>
    /// True when, under <paramref name="root"/>, <paramref name="key"/> holds <paramref name="expectedValue"/>
    /// (or holds nothing, when it is null).
    /// </summary>
    public bool Verify(in Hash32 root, ReadOnlySpan<byte> key, byte[]? expectedValue)
    {
        if (siblings.Length > SiblingsMax) return false;
        var keyHash = Sha256.Hash(key);
        Hash32 node;
        if (expectedValue is not null)
        {
            if (!HasLeaf || LeafKeyHash != keyHash || LeafValueHash != Sha256.Hash(expectedValue)) return false;
            node = StateHashes.Leaf(LeafKeyHash, LeafValueHash);
        }
        else if (HasLeaf)
        {
            // Another key's leaf where ours would be: it must share the path, or it proves nothing about ours.
            if (LeafKeyHash == keyHash || LeafKeyHash.CommonPrefixLength(keyHash) < siblings.Length) return false;
            node = StateHashes.Leaf(LeafKeyHash, LeafValueHash);
        }
        else
        {
            node = Hash32.Zero;
        }
        for (int depth = siblings.Length - 1; depth >= 0; depth--)
        {
            node = keyHash.Bit(depth) ? StateHashes.Internal(siblings[depth], node) : StateHashes.Internal(node, siblings[depth]);
        }
        return node == root;
    }

    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(8 + siblings.Length * Hash32.Size + 2 * Hash32.Size);
        w.WriteCount(siblings.Length);
        foreach (var s in siblings) w.WriteHash(s);
        w.WriteBool(HasLeaf);
        if (HasLeaf)
        {
            w.WriteHash(LeafKeyHash);
            w.WriteHash(LeafValueHash);
        }
        return w.ToArray();
    }

    public static StateProof Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        int n = r.ReadCount(SiblingsMax, Hash32.Size, "proof siblings");
        var siblings = new Hash32[n];
        for (int i = 0; i < n; i++) siblings[i] = r.ReadHash("sibling");
        bool hasLeaf = r.ReadBool("has leaf");
        var keyHash = hasLeaf ? r.ReadHash("leaf key hash") : Hash32.Zero;
        var valueHash = hasLeaf ? r.ReadHash("leaf value hash") : Hash32.Zero;
        r.End("state proof");
        return new StateProof(siblings, hasLeaf, keyHash, valueHash);
    }

    public static bool TryDecode(ReadOnlySpan<byte> bytes, out StateProof? proof, out string error)
    {
        try
        {
            proof = Decode(bytes);
            error = "";
            return true;
        }
        catch (CodecException e)
        {
            proof = null;
            error = e.Message;
            return false;
        }
    }
}
