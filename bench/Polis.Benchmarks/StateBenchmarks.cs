using BenchmarkDotNet.Attributes;
using Polis.State;
using Polis.State.Storage;

namespace Polis.Benchmarks;

/// <summary>State tree updates: one block's 1,000 writes on top of 100,000 keys, computed and committed.</summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class StateBenchmarks
{
    private const int PreloadKeys = 100_000;
    private const int UpdatesPerBlock = 1_000;
    private StateTree _memory = null!;
    private StateTree _rocks = null!;
    private RocksDbStateStorage _rocksStorage = null!;
    private string _dir = null!;
    private int _round;

    [GlobalSetup]
    public void Setup()
    {
        _memory = Preload(new StateTree(new MemoryStateStorage()));
        _dir = Path.Combine(Path.GetTempPath(), "polis-bench-state-" + Guid.NewGuid().ToString("N"));
        _rocksStorage = new RocksDbStateStorage(_dir);
        _rocks = Preload(new StateTree(_rocksStorage));
    }

    private static StateTree Preload(StateTree tree)
    {
        tree.Begin(null).Commit();
        for (int start = 0; start < PreloadKeys; start += 10_000)
        {
            var w = tree.Begin(tree.LatestVersion);
            for (int i = start; i < start + 10_000; i++) w.Put(BitConverter.GetBytes(i), BitConverter.GetBytes(i));
            w.Commit();
        }
        return tree;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _rocksStorage.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private void Block(StateTree tree)
    {
        _round++;
        var w = tree.Begin(tree.LatestVersion);
        for (int i = 0; i < UpdatesPerBlock; i++)
        {
            int key = (i * 7919 + _round * 104_729) % PreloadKeys;
            w.Put(BitConverter.GetBytes(key), BitConverter.GetBytes(_round));
        }
        w.ComputeRoot();
        w.Commit();
    }

    [Benchmark(Description = "1,000 updates over 100k keys: memory")]
    public void MemoryBlock() => Block(_memory);

    [Benchmark(Description = "1,000 updates over 100k keys: RocksDB (synced batch)")]
    public void RocksBlock() => Block(_rocks);
}
