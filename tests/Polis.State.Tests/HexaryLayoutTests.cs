using CsCheck;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.State;
using Polis.State.Storage;
using Polis.State.Tree;
using Polis.Core.Proofs;
using Polis.Testing;

namespace Polis.State.Tests;

/// <summary>
/// The tree is stored sixteen slots to a node; roots and proofs must still be those of the binary
/// sparse Merkle tree. These tests build trees deep enough to need several node levels and check
/// them against a from-scratch rendering of the binary definition.
/// </summary>
public sealed class HexaryLayoutTests
{
    /// <summary>The binary definition itself: empty is zero, a lone leaf is lifted, otherwise H(1, left, right).</summary>
    private static Hash32 BinaryRoot(IReadOnlyList<(Hash32 KeyHash, Hash32 ValueHash)> sorted, int depth = 0)
    {
        if (sorted.Count == 0) return Hash32.Zero;
        if (sorted.Count == 1) return Sha256.Hash(0x00, sorted[0].KeyHash, sorted[0].ValueHash);
        var left = sorted.Where(l => !l.KeyHash.Bit(depth)).ToList();
        var right = sorted.Where(l => l.KeyHash.Bit(depth)).ToList();
        return Sha256.Hash(0x01, BinaryRoot(left, depth + 1), BinaryRoot(right, depth + 1));
    }

    private static Hash32 BinaryRootOf(Dictionary<int, byte[]> contents) =>
        BinaryRoot(contents.Select(kv => (Sha256.Hash(Key(kv.Key)), Sha256.Hash(kv.Value))).OrderBy(l => l.Item1).ToList());

    private static byte[] Key(int i) => BitConverter.GetBytes(i);

    [Fact]
    public void Roots_equal_the_binary_definition_through_inserts_overwrites_and_deletes_at_depth()
    {
        // Up to 3,000 keys: four to five node levels; deletions collapse nodes back into lifted leaves.
        Gen.Select(Gen.Int[1, 3000], Gen.Int[0, 100], Gen.Int[0, 100]).Sample((keys, overwritePercent, deletePercent) =>
        {
            var tree = new StateTree(new MemoryStateStorage());
            tree.Begin(null).Commit();
            var contents = new Dictionary<int, byte[]>();
            var w = tree.Begin(0);
            for (int i = 0; i < keys; i++) { w.Put(Key(i), [1, (byte)i]); contents[i] = [1, (byte)i]; }
            w.Commit();
            Assert.Equal(BinaryRootOf(contents), tree.RootAt(1));

            var w2 = tree.Begin(1);
            for (int i = 0; i < keys; i++)
            {
                if (i % 100 < deletePercent) { w2.Delete(Key(i)); contents.Remove(i); }
                else if (i % 100 < overwritePercent) { w2.Put(Key(i), [2, (byte)i]); contents[i] = [2, (byte)i]; }
            }
            w2.Commit();
            Assert.Equal(BinaryRootOf(contents), tree.RootAt(2));
        }, iter: 12);
    }

    [Fact]
    public void Proofs_from_a_deep_tree_verify_for_present_and_absent_keys_and_reject_wrong_values()
    {
        using var dir = new TempDirectory();
        using var storage = new RocksDbStateStorage(dir.Path);
        var tree = new StateTree(storage);
        tree.Begin(null).Commit();
        var w = tree.Begin(0);
        for (int i = 0; i < 20_000; i += 2) w.Put(Key(i), Key(i * 3));
        w.Commit();
        var root = tree.RootAt(1);
        int longest = 0;
        for (int i = 0; i < 2_000; i++)
        {
            byte[]? expected = i % 2 == 0 ? Key(i * 3) : null;
            var proof = StateProof.Decode(tree.Prove(Key(i), 1).ToBytes());
            longest = Math.Max(longest, proof.Siblings.Count);
            Assert.True(proof.Verify(root, Key(i), expected), $"proof of key {i}");
            Assert.False(proof.Verify(root, Key(i), expected is null ? [0] : null), $"proof of key {i} with the wrong answer");
        }
        Assert.True(longest > 12, $"the longest proof had {longest} siblings: the tree is not deep enough to cross node levels");
    }

    [Fact]
    public void Hostile_node_encodings_are_rejected_before_use()
    {
        Span<TreeSlot> slots = stackalloc TreeSlot[TreeNode.SlotCount];
        slots[3] = TreeSlot.Leaf(Sha256.Hash([1]), Sha256.Hash([2]));
        slots[9] = TreeSlot.Child(Sha256.Hash([3]));
        var node = new TreeNode(slots);
        var bytes = node.ToBytes();
        Assert.Equal(node.Hash, TreeNode.Decode(bytes, node.Hash).Hash);

        Assert.Throws<CodecException>(() => TreeNode.Decode(bytes.AsSpan(0, 3), node.Hash));            // shorter than its header
        Assert.Throws<CodecException>(() => TreeNode.Decode(bytes.AsSpan(0, bytes.Length - 1), node.Hash)); // shorter than its slot map says
        Assert.Throws<CodecException>(() => TreeNode.Decode([.. bytes, 0], node.Hash));                   // longer
        Assert.Throws<CodecException>(() => TreeNode.Decode(new byte[TreeNode.EncodedSizeMax + 1], node.Hash));
        Assert.Throws<CodecException>(() => TreeNode.Decode([0, 0, 0, 0], node.Hash));                    // no slots
        var leafOutsidePresent = (byte[])bytes.Clone();
        leafOutsidePresent[2] |= 0x80;                                                                    // a leaf bit for an empty slot
        Assert.Throws<CodecException>(() => TreeNode.Decode(leafOutsidePresent, node.Hash));
        var corrupt = (byte[])bytes.Clone();
        corrupt[^1] ^= 1;
        Assert.Contains("corrupt", Assert.Throws<CodecException>(() => TreeNode.Decode(corrupt, node.Hash)).Message);
    }

    [Fact]
    public void An_update_writes_about_log16_nodes_not_log2()
    {
        var storage = new CountingStorage();
        var tree = new StateTree(storage);
        tree.Begin(null).Commit();
        var w = tree.Begin(0);
        for (int i = 0; i < 50_000; i++) w.Put(Key(i), [1]);
        w.Commit();
        var one = tree.Begin(1);
        one.Put(Key(12_345), [2]);
        one.Commit();
        // 50,000 keys: 3.9 hex digits deep on average, plus the odd deeper pair; log2 would be ~16.
        Assert.InRange(storage.LastNodeCount, 3, 7);
    }

    private sealed class CountingStorage : IStateStorage
    {
        private readonly MemoryStateStorage _inner = new();
        public int LastNodeCount { get; private set; }
        public ulong? LatestVersion => _inner.LatestVersion;
        public Hash32 RootAt(ulong version) => _inner.RootAt(version);
        public TreeNode? GetNode(in Hash32 hash) => _inner.GetNode(hash);
        public byte[]? GetValue(in Hash32 keyHash, ulong version) => _inner.GetValue(keyHash, version);
        public void CommitVersion(ulong version, Hash32 root, IReadOnlyCollection<TreeNode> nodes, IReadOnlyList<(Hash32 KeyHash, byte[]? Value)> values)
        {
            LastNodeCount = nodes.Count;
            _inner.CommitVersion(version, root, nodes, values);
        }
        public void Dispose() => _inner.Dispose();
    }
}
