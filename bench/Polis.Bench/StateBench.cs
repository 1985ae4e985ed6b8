using System.Diagnostics;
using Polis.Core.Crypto;
using Polis.State;
using Polis.State.Storage;

namespace Polis.Bench;

/// <summary>
/// `polis bench state`: the authenticated state tree on RocksDB at scale. Loads <c>keys</c> account
/// records (in versions of 50,000 updates), then commits blocks of updates to random existing keys
/// and reports the median time per block (put, root computation, one atomic RocksDB batch), updates
/// per second, and what share of a second the state commit of a block at the target load takes
/// (a transfer writes two account records: its sender's and its recipient's).
/// </summary>
public sealed class StateBench(int keys, int blockUpdates, int blocks, int targetTps, Action<string> progress)
{
    private const int LoadVersionUpdates = 50_000;

    public sealed record Result(int Keys, double LoadUpdatesPerSecond, int BlockUpdates, int Blocks, double MedianBlockMs, double P90BlockMs, double MedianRootMs,
        double UpdatesPerSecond, double MedianReadMicros, int TargetTps, double TargetBlockStateMs, double TargetShareOfSecond, long DiskMiB);

    public Result Run()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"polis-bench-state-{Guid.NewGuid():N}");
        try
        {
            using var storage = new RocksDbStateStorage(dir);
            var tree = new StateTree(storage);
            var genesis = tree.Begin(null);
            genesis.Commit();
            ulong version = 0;
            var value = new byte[16];
            var clock = Stopwatch.StartNew();
            for (int loaded = 0; loaded < keys; loaded += LoadVersionUpdates)
            {
                var w = tree.Begin(version);
                int n = Math.Min(LoadVersionUpdates, keys - loaded);
                for (int i = 0; i < n; i++) w.Put(Key(loaded + i), Value(value, loaded + i, 0));
                w.ComputeRoot();
                w.Commit();
                version++;
                progress($"loaded {loaded + n:N0} / {keys:N0} keys");
            }
            double loadRate = keys / clock.Elapsed.TotalSeconds;

            var random = new Random(7);
            var blockMs = new List<double>();
            var rootMs = new List<double>();
            for (int b = 0; b < blocks; b++)
            {
                var t = Stopwatch.StartNew();
                var w = tree.Begin(version);
                for (int i = 0; i < blockUpdates; i++)
                {
                    int k = random.Next(keys);
                    w.Put(Key(k), Value(value, k, b + 1));
                }
                w.ComputeRoot();
                rootMs.Add(t.Elapsed.TotalMilliseconds);
                w.Commit();
                version++;
                blockMs.Add(t.Elapsed.TotalMilliseconds);
            }
            blockMs.Sort();
            rootMs.Sort();
            double median = blockMs[blockMs.Count / 2], p90 = blockMs[(int)(blockMs.Count * 0.9)];

            var reads = new List<double>();
            for (int run = 0; run < 5; run++)
            {
                var t = Stopwatch.StartNew();
                for (int i = 0; i < 10_000; i++) tree.Get(Key(random.Next(keys)), version);
                reads.Add(t.Elapsed.TotalMilliseconds * 1000 / 10_000);
            }
            reads.Sort();

            // At the target load a block of one second's transfers writes 2 × TPS records.
            int targetUpdates = 2 * targetTps;
            var targetMs = new List<double>();
            for (int b = 0; b < 5; b++)
            {
                var t = Stopwatch.StartNew();
                var w = tree.Begin(version);
                for (int i = 0; i < targetUpdates; i++)
                {
                    int k = random.Next(keys);
                    w.Put(Key(k), Value(value, k, 1_000 + b));
                }
                w.ComputeRoot();
                w.Commit();
                version++;
                targetMs.Add(t.Elapsed.TotalMilliseconds);
            }
            targetMs.Sort();
            double target = targetMs[targetMs.Count / 2];
            long disk = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) / (1024 * 1024);
            return new Result(keys, loadRate, blockUpdates, blocks, median, p90, rootMs[rootMs.Count / 2], blockUpdates / (median / 1000), reads[reads.Count / 2],
                targetTps, target, target / 1000, disk);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static byte[] Key(int i)
    {
        var key = new byte[5 + 32];
        "acct/"u8.CopyTo(key);
        Sha256.Hash(BitConverter.GetBytes(i)).WriteTo(key.AsSpan(5));
        return key;
    }

    private static byte[] Value(byte[] scratch, int key, int round)
    {
        BitConverter.TryWriteBytes(scratch.AsSpan(0, 8), (long)round);
        BitConverter.TryWriteBytes(scratch.AsSpan(8, 8), (long)key);
        return scratch.ToArray();
    }
}
