using System.Diagnostics;
using Polis.Core.Crypto;

namespace Polis.Bench;

/// <summary>V: Ed25519 verifications per second on one core, measured now (median of five 300 ms runs).</summary>
public static class VerifyRate
{
    public static double Measure() => MedianRate(runs: 5, threads: 1, runMs: 300);

    /// <summary>
    /// Verifications per second with every core verifying at once (one thread per core, median of
    /// three runs). c × V assumes the cores scale perfectly; on a shared virtual machine they may
    /// not (two vCPUs here gave 1.4 to 1.7 times one), and this is what they really deliver.
    /// </summary>
    public static double MeasureAllCores() => MedianRate(runs: 3, threads: Environment.ProcessorCount, runMs: 500);

    /// <summary>The median over <paramref name="runs"/> of the verifications per second that <paramref name="threads"/> threads do together.</summary>
    private static double MedianRate(int runs, int threads, int runMs)
    {
        using var key = KeyPair.FromLabel("bench-verify");
        var message = new byte[120];
        var signature = key.Sign(message);
        var rates = new List<double>();
        for (int run = 0; run < runs; run++)
        {
            long total = 0;
            var clock = Stopwatch.StartNew();
            var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
            {
                long n = 0;
                while (clock.ElapsedMilliseconds < runMs)
                {
                    for (int i = 0; i < 50; i++) if (!key.PublicKey.Verify(message, signature)) throw new InvalidOperationException("verification failed");
                    n += 50;
                }
                Interlocked.Add(ref total, n);
            })).ToList();
            workers.ForEach(t => t.Start());
            workers.ForEach(t => t.Join());
            rates.Add(total / clock.Elapsed.TotalSeconds);
        }
        rates.Sort();
        return rates[rates.Count / 2];
    }
}
