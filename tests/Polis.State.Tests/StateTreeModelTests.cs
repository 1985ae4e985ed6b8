using CsCheck;
using Polis.Core.Crypto;
using Polis.State;
using Polis.State.Storage;
using Polis.Testing;

namespace Polis.State.Tests;

/// <summary>The tree against a plain dictionary per version: same answers, and every proof checks.</summary>
public sealed class StateTreeModelTests
{
    private static readonly Gen<ModelOperation> Operation =
        Gen.Select(Gen.Byte[0, 40], Gen.Int[0, 3], Gen.Byte.Array[0, 12], (k, kind, v) => new ModelOperation(k, kind == 0 ? null : v));

    private static readonly Gen<ModelOperation[][]> History = Operation.Array[0, 12].Array[1, 8];

    /// <summary>Applies the history, one batch per version, checking every version against the model as it goes.</summary>
    private static void CheckHistory(StateTree tree, ModelOperation[][] batches)
    {
        var models = new List<Dictionary<byte, byte[]>>();
        var genesis = tree.Begin(null);
        genesis.Commit();
        models.Add(new Dictionary<byte, byte[]>());
        foreach (var batch in batches)
        {
            var model = new Dictionary<byte, byte[]>(models[^1]);
            var working = tree.Begin(tree.LatestVersion);
            foreach (var op in batch)
            {
                if (op.Value is null) { working.Delete(op.KeyBytes); model.Remove(op.Key); }
                else { working.Put(op.KeyBytes, op.Value); model[op.Key] = op.Value; }
                Assert.Equal(op.Value, working.Get(op.KeyBytes));
            }
            var prospective = working.ComputeRoot();
            working.Commit();
            models.Add(model);
            Assert.Equal(prospective, tree.RootAt(tree.LatestVersion!.Value));
        }
        for (int version = 0; version < models.Count; version++)
        {
            var root = tree.RootAt((ulong)version);
            for (int k = 0; k <= 40; k++)
            {
                byte key = (byte)k;
                byte[] keyBytes = [(byte)'k', key];
                models[version].TryGetValue(key, out var expected);
                Assert.Equal(expected, tree.Get(keyBytes, (ulong)version));
                var proof = tree.Prove(keyBytes, (ulong)version);
                Assert.True(proof.Verify(root, keyBytes, expected), $"proof of key {k} at version {version}");
                Assert.False(proof.Verify(root, keyBytes, expected is null ? [1] : [.. expected, 0]), "proof accepts a wrong value");
            }
        }
    }

    [Fact]
    public void Memory_backend_matches_a_dictionary_model_at_every_version_and_every_proof_verifies() =>
        History.Sample(batches => CheckHistory(new StateTree(new MemoryStateStorage()), batches), iter: 150);

    [Fact]
    public void RocksDb_backend_matches_a_dictionary_model_at_every_version_and_every_proof_verifies() =>
        History.Sample(batches =>
        {
            using var dir = new TempDirectory();
            using var storage = new RocksDbStateStorage(dir.Path);
            CheckHistory(new StateTree(storage), batches);
        }, iter: 25);

    [Fact]
    public void The_root_depends_only_on_the_contents_not_on_order_or_batching()
    {
        Gen.Select(Gen.Byte[0, 200].Array[1, 60], Gen.Int[1, 5]).Sample((keys, batches) =>
        {
            var distinct = keys.Distinct().ToArray();
            var a = new StateTree(new MemoryStateStorage());
            a.Begin(null).Commit();
            var all = a.Begin(0);
            foreach (var k in distinct) all.Put([k], [k, 1]);
            all.Commit();

            var b = new StateTree(new MemoryStateStorage());
            b.Begin(null).Commit();
            var reversed = distinct.Reverse().ToArray();
            int per = Math.Max(1, reversed.Length / batches);
            for (int i = 0; i < reversed.Length; i += per)
            {
                var w = b.Begin(b.LatestVersion);
                foreach (var k in reversed.Skip(i).Take(per)) w.Put([k], [k, 1]);
                w.Put([255, 255], [9]); // a key added and removed again must leave no trace
                w.Commit();
                var d = b.Begin(b.LatestVersion);
                d.Delete([255, 255]);
                d.Commit();
            }
            Assert.Equal(a.RootAt(a.LatestVersion!.Value), b.RootAt(b.LatestVersion!.Value));
        }, iter: 100);
    }

    [Fact]
    public void Both_backends_give_identical_roots_for_identical_updates()
    {
        using var dir = new TempDirectory();
        using var rocks = new RocksDbStateStorage(dir.Path);
        var trees = new[] { new StateTree(new MemoryStateStorage()), new StateTree(rocks) };
        foreach (var tree in trees)
        {
            tree.Begin(null).Commit();
            for (int v = 0; v < 20; v++)
            {
                var w = tree.Begin(tree.LatestVersion);
                for (int i = 0; i < 50; i++) w.Put(BitConverter.GetBytes(v * 31 + i * 7), BitConverter.GetBytes(v * i));
                if (v % 3 == 0) w.Delete(BitConverter.GetBytes(v * 17));
                w.Commit();
            }
        }
        for (ulong v = 0; v <= 20; v++) Assert.Equal(trees[0].RootAt(v), trees[1].RootAt(v));
    }
}
