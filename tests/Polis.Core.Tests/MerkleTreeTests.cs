using CsCheck;
using Polis.Core.Crypto;
using Polis.Core.Merkle;

namespace Polis.Core.Tests;

public sealed class MerkleTreeTests
{
    /// <summary>RFC 6962 section 2.1, written recursively as the RFC states it.</summary>
    private static Hash32 Reference(byte[][] items)
    {
        if (items.Length == 0) return Sha256.Hash([]);
        if (items.Length == 1) return Sha256.Hash([0x00, .. items[0]]);
        int k = 1;
        while (k * 2 < items.Length) k *= 2;
        var left = Reference(items[..k]);
        var right = Reference(items[k..]);
        return Sha256.Hash([0x01, .. left.ToArray(), .. right.ToArray()]);
    }

    private static byte[][] Items(int n) => Enumerable.Range(0, n).Select(i => new[] { (byte)i, (byte)(i >> 8) }).ToArray();

    [Fact]
    public void Roots_match_the_recursive_RFC_6962_definition()
    {
        for (int n = 0; n <= 70; n++) Assert.Equal(Reference(Items(n)), MerkleTree.Root(Items(n)));
    }

    [Fact]
    public void Every_proof_of_every_leaf_verifies_and_fails_for_anything_else() =>
        Gen.Int[1, 100].Sample(n =>
        {
            var items = Items(n);
            var leaves = items.Select(i => MerkleTree.LeafHash(i)).ToArray();
            var root = MerkleTree.Root(items);
            for (int i = 0; i < n; i++)
            {
                var proof = MerkleTree.Prove(leaves, i);
                Assert.True(proof.Verify(root, items[i]));
                Assert.False(proof.Verify(root, [.. items[i], 0]));
                Assert.False(new MerkleProof(proof.Index ^ 1, proof.LeafCount, [.. proof.Siblings]).Verify(root, items[i]) && n > 1);
                Assert.False(new MerkleProof(proof.Index, proof.LeafCount + 1, [.. proof.Siblings]).Verify(root, items[i]) && proof.Siblings.Count > 0 && IsPowerOfTwo(n));
                Assert.False(new MerkleProof(proof.Index, proof.LeafCount, [.. proof.Siblings, Hash32.Zero]).Verify(root, items[i]));
                if (proof.Siblings.Count > 0)
                    Assert.False(new MerkleProof(proof.Index, proof.LeafCount, [.. proof.Siblings.Skip(1)]).Verify(root, items[i]));
            }
        }, iter: 30);

    private static bool IsPowerOfTwo(int n) => (n & (n - 1)) == 0;

    [Fact]
    public void An_inner_node_presented_as_a_leaf_does_not_verify()
    {
        var items = Items(4);
        var root = MerkleTree.Root(items);
        var leaves = items.Select(i => MerkleTree.LeafHash(i)).ToArray();
        // The left inner node's preimage, offered as leaf data of a two-leaf tree (second-preimage attempt).
        var innerPreimage = leaves[0].ToArray().Concat(leaves[1].ToArray()).ToArray();
        var rightInner = MerkleTree.InnerHash(leaves[2], leaves[3]);
        var forged = new MerkleProof(0, 2, [rightInner]);
        Assert.False(forged.Verify(root, innerPreimage));
    }

    [Fact]
    public void The_empty_tree_root_is_the_hash_of_nothing() =>
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", MerkleTree.EmptyRoot.ToString());
}
