using CsCheck;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Merkle;

namespace Polis.Core.Tests;

/// <summary>The RFC 6962 tree and its inclusion proofs.</summary>
public class MerkleTests
{
    /// <summary>Random trees of distinct leaves (the index is part of each leaf), 1 to 90 leaves.</summary>
    private static readonly Gen<byte[][]> Trees =
        Gen.Byte.Array[0, 24].Array[1, 90].Select(items => items.Select((d, i) => (byte[])[(byte)i, (byte)(i >> 8), .. d]).ToArray());

    [Fact]
    public void Root_matches_the_RFC_6962_recursive_definition_for_0_to_70_leaves()
    {
        for (int n = 0; n <= 70; n++)
        {
            var items = Items(n);
            var expected = ReferenceMerkle.Root(items);
            Assert.Equal(expected, MerkleTree.Root(items));
            Assert.Equal(expected, MerkleTree.RootOfLeafHashes(LeafHashes(items)));
        }
    }

    [Fact]
    public void Proof_siblings_are_the_RFC_6962_audit_path_for_every_index_up_to_40_leaves()
    {
        for (int n = 1; n <= 40; n++)
        {
            var items = Items(n);
            var leaves = LeafHashes(items);
            for (int m = 0; m < n; m++)
                Assert.Equal(ReferenceMerkle.Path(items, m), MerkleTree.Prove(leaves, m).Siblings);
        }
    }

    [Fact]
    public void Every_proof_for_every_index_of_random_trees_verifies()
    {
        Trees.Sample(items =>
        {
            var leaves = LeafHashes(items);
            var root = MerkleTree.RootOfLeafHashes(leaves);
            for (int i = 0; i < items.Length; i++)
            {
                var proof = MerkleTree.Prove(leaves, i);
                Assert.True(proof.Verify(root, items[i]), $"leaf {i} of {items.Length}");
                Assert.True(MerkleProof.Decode(proof.ToBytes()).Verify(root, items[i]));
            }
        }, iter: 40);
    }

    [Fact]
    public void Proof_fails_for_wrong_data_and_for_any_other_root()
    {
        Trees.Sample(items =>
        {
            var leaves = LeafHashes(items);
            var root = MerkleTree.RootOfLeafHashes(leaves);
            var otherRoot = MerkleTree.RootOfLeafHashes(leaves[..^1]);
            for (int i = 0; i < items.Length; i++)
            {
                var proof = MerkleTree.Prove(leaves, i);
                Assert.False(proof.Verify(root, [.. items[i], 0]));
                Assert.False(proof.Verify(root, items[i][..^1]));
                if (items.Length == 1) continue; // no other leaf, no smaller tree
                Assert.False(proof.Verify(root, items[(i + 1) % items.Length]));
                Assert.False(proof.Verify(otherRoot, items[i]));
            }
        }, iter: 30);
    }

    [Fact]
    public void Proof_fails_for_any_other_index()
    {
        Trees.Sample(items =>
        {
            var leaves = LeafHashes(items);
            var root = MerkleTree.RootOfLeafHashes(leaves);
            for (int i = 0; i < items.Length; i++)
            {
                var siblings = MerkleTree.Prove(leaves, i).Siblings.ToArray();
                for (int j = 0; j < items.Length + 2; j++)
                    if (j != i) Assert.False(new MerkleProof((ulong)j, (ulong)items.Length, siblings).Verify(root, items[i]), $"{i} as {j}");
            }
        }, iter: 15);
    }

    [Fact]
    public void Proof_fails_for_a_wrong_leaf_count_that_changes_the_audit_path()
    {
        Trees.Sample(items =>
        {
            var leaves = LeafHashes(items);
            var root = MerkleTree.RootOfLeafHashes(leaves);
            ulong n = (ulong)items.Length;
            for (int i = 0; i < items.Length; i++)
            {
                var siblings = MerkleTree.Prove(leaves, i).Siblings.ToArray();
                foreach (ulong m in new[] { 0UL, n - 1, n + 1, n * 2, n * 2 + 1, ulong.MaxValue })
                {
                    if (m == n || ((ulong)i < m && Shape((ulong)i, m).SequenceEqual(Shape((ulong)i, n)))) continue;
                    Assert.False(new MerkleProof((ulong)i, m, siblings).Verify(root, items[i]), $"{i} of {n} as {i} of {m}");
                }
            }
        }, iter: 30);
    }

    /// <summary>
    /// RFC 6962 roots do not commit to the number of leaves: the leaf count only picks the shape of the
    /// audit path, so two (index, count) pairs with the same shape accept the same proof. Whoever needs
    /// the count or the position proven must authenticate the count separately (CT signs it in the STH).
    /// If the header ever commits to its transaction count, this test should be revisited.
    /// </summary>
    [Fact]
    public void Root_alone_does_not_commit_to_the_leaf_count_so_index_2_of_3_also_verifies_as_index_4_of_5()
    {
        var items = Items(3);
        var leaves = LeafHashes(items);
        var root = MerkleTree.RootOfLeafHashes(leaves);
        var proof = MerkleTree.Prove(leaves, 2);
        Assert.True(new MerkleProof(4, 5, [.. proof.Siblings]).Verify(root, items[2]));
        Assert.Equal(Shape(2, 3), Shape(4, 5));
    }

    [Fact]
    public void Proof_fails_with_an_extra_or_a_missing_sibling()
    {
        Trees.Sample(items =>
        {
            var leaves = LeafHashes(items);
            var root = MerkleTree.RootOfLeafHashes(leaves);
            var extra = Build.HashOf("extra");
            for (int i = 0; i < items.Length; i++)
            {
                var proof = MerkleTree.Prove(leaves, i);
                var s = proof.Siblings.ToArray();
                Assert.False(new MerkleProof(proof.Index, proof.LeafCount, [.. s, extra]).Verify(root, items[i]));
                Assert.False(new MerkleProof(proof.Index, proof.LeafCount, [extra, .. s]).Verify(root, items[i]));
                Assert.False(new MerkleProof(proof.Index, proof.LeafCount, [.. s, root]).Verify(root, items[i]));
                if (s.Length == 0) continue;
                Assert.False(new MerkleProof(proof.Index, proof.LeafCount, s[1..]).Verify(root, items[i]));
                Assert.False(new MerkleProof(proof.Index, proof.LeafCount, s[..^1]).Verify(root, items[i]));
            }
        }, iter: 30);
    }

    [Fact]
    public void A_two_leaf_trees_inner_node_presented_as_a_leaf_does_not_verify()
    {
        byte[] a = "a"u8.ToArray(), b = "b"u8.ToArray();
        var root = MerkleTree.Root([a, b]);
        // The preimage of the root without its 0x01 prefix: the second-preimage attempt of RFC 6962 §2.1.
        byte[] inner = [.. MerkleTree.LeafHash(a).ToArray(), .. MerkleTree.LeafHash(b).ToArray()];
        Assert.Equal(root, Sha256.Hash(MerkleTree.InnerPrefix, inner));
        Assert.False(new MerkleProof(0, 1, []).Verify(root, inner));
        Assert.NotEqual(root, MerkleTree.Root([inner]));
    }

    [Fact]
    public void A_four_leaf_trees_inner_nodes_presented_as_leaves_do_not_give_its_root()
    {
        byte[][] items = ["a"u8.ToArray(), "b"u8.ToArray(), "c"u8.ToArray(), "d"u8.ToArray()];
        var l = LeafHashes(items);
        byte[] left = [.. l[0].ToArray(), .. l[1].ToArray()], right = [.. l[2].ToArray(), .. l[3].ToArray()];
        var root = MerkleTree.Root(items);
        Assert.NotEqual(root, MerkleTree.Root([left, right]));
        Assert.False(new MerkleProof(0, 2, [MerkleTree.LeafHash(right)]).Verify(root, left));
    }

    [Fact]
    public void Index_beyond_the_leaf_count_and_an_empty_tree_never_verify()
    {
        var leaf = MerkleTree.LeafHash("x"u8);
        Assert.True(new MerkleProof(0, 1, []).VerifyLeafHash(leaf, leaf));
        Assert.False(new MerkleProof(1, 1, []).VerifyLeafHash(leaf, leaf));
        Assert.False(new MerkleProof(0, 0, []).VerifyLeafHash(leaf, leaf));
        Assert.False(new MerkleProof(0, 0, []).VerifyLeafHash(MerkleTree.EmptyRoot, leaf));
    }

    /// <summary>Regression: (count + 1) / 2 wrapped to 0 at 2^64 − 1 and ended the walk after one level.</summary>
    [Fact]
    public void Leaf_count_of_2_to_the_64_minus_1_does_not_wrap_into_a_one_level_tree()
    {
        var leaves = new[] { MerkleTree.LeafHash("a"u8), MerkleTree.LeafHash("b"u8) };
        var root = MerkleTree.RootOfLeafHashes(leaves);
        Assert.False(new MerkleProof(0, ulong.MaxValue, [leaves[1]]).VerifyLeafHash(root, leaves[0]));
        Assert.False(new MerkleProof(ulong.MaxValue - 1, ulong.MaxValue, [leaves[1]]).VerifyLeafHash(root, leaves[0]));
    }

    [Fact]
    public void Proving_an_index_outside_the_tree_throws()
    {
        var leaves = LeafHashes(Items(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.Prove(leaves, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.Prove(leaves, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.Prove([], 0));
    }

    [Fact]
    public void A_proof_with_more_siblings_than_the_depth_limit_is_rejected_by_the_decoder()
    {
        var proof = new MerkleProof(0, 2, new Hash32[Limits.MerkleProofDepthMax + 1]);
        Assert.Throws<CodecException>(() => MerkleProof.Decode(proof.ToBytes()));
    }

    /// <summary>Which side the running hash is on at each level that has a sibling: all that count and index decide.</summary>
    private static List<bool> Shape(ulong index, ulong count)
    {
        var shape = new List<bool>();
        while (count > 1)
        {
            if ((index ^ 1) < count) shape.Add((index & 1) == 1);
            count = count / 2 + (count & 1);
            index >>= 1;
        }
        return shape;
    }

    private static byte[][] Items(int n) => [.. Enumerable.Range(0, n).Select(i => System.Text.Encoding.UTF8.GetBytes($"item-{i}"))];

    private static Hash32[] LeafHashes(IReadOnlyList<byte[]> items) => [.. items.Select(d => MerkleTree.LeafHash(d))];
}
