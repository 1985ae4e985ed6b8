using Polis.Core.Crypto;
using Polis.Core.Merkle;

namespace Polis.Client.Proofs;

/// <summary>
/// The canonical form of a transaction's path to a header's transactions root. A header commits to
/// the root but not to the number of transactions, and a Merkle root does not commit to its leaf
/// count either (see <see cref="MerkleProof"/>): for a given index, a whole range of leaf counts
/// gives the same path shape and so verifies with the same siblings (index 0 of 5, 6, 7 or 8, say).
/// A proof could then carry any count in that range, and that field would bind nothing. So a
/// reading proof carries the smallest count of the range, and the light client rejects any other:
/// every byte of the document is then checked. The count is therefore not the block's transaction
/// count; it is only the shape of the path.
/// </summary>
public static class TransactionPaths
{
    /// <summary>
    /// The same path with the smallest leaf count that still verifies. <paramref name="path"/> must
    /// verify <paramref name="leafHash"/> against <paramref name="root"/>. Counts that share a shape
    /// with a given index form one contiguous range (each level's sibling appears once the count is
    /// large enough and stays), so a binary search over [index + 1, count] finds its lower end.
    /// </summary>
    public static MerkleProof Shortest(MerkleProof path, in Hash32 leafHash, in Hash32 root)
    {
        if (!path.VerifyLeafHash(root, leafHash)) throw new ArgumentException("the transaction path does not verify against the root", nameof(path));
        var siblings = path.Siblings.ToArray();
        ulong low = path.Index + 1, high = path.LeafCount;
        while (low < high)
        {
            ulong middle = low + (high - low) / 2;
            if (new MerkleProof(path.Index, middle, siblings).VerifyLeafHash(root, leafHash)) high = middle;
            else low = middle + 1;
        }
        return new MerkleProof(path.Index, low, siblings);
    }

    /// <summary>
    /// True when no smaller leaf count verifies the same path. Call it on a path that verifies:
    /// since the counts of one shape are contiguous, checking the count just below is enough.
    /// </summary>
    public static bool IsShortest(MerkleProof path, in Hash32 leafHash, in Hash32 root) =>
        path.LeafCount == path.Index + 1 || !new MerkleProof(path.Index, path.LeafCount - 1, path.Siblings.ToArray()).VerifyLeafHash(root, leafHash);
}
