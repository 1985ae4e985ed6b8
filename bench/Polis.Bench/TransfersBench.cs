using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Polis.Devnet;
using Polis.Client.Api;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Modules.Accounts;
using Polis.Node.Api;
using Polis.Client.Config;
using Polis.Node.Config;

namespace Polis.Bench;

/// <summary>
/// `polis bench transfers`: N validators as real processes on loopback; M transfers from K accounts,
/// signed before the timed window, submitted open-loop in batches (each account always to the same
/// node, so its nonces arrive in order) with backpressure from full mempools; commits observed on
/// node 0's event stream. Afterwards: every transfer committed exactly once, and every validator
/// at the same state root.
/// </summary>
public sealed class TransfersBench(int validators, int txs, int accounts, int basePort, Action<string> progress, int rate = 0, int warmup = 0)
{
    /// <summary>Accounts of their own for the warm-up load, so the measured accounts' nonces start at 0.</summary>
    private const int WarmupAccounts = 100;
    public const int WarmupMax = WarmupAccounts * Polis.Node.Mempool.MempoolLimits.DefaultSenderTxsMax;
    /// <summary>
    /// Enough for steady state: 30 s after a warm-up of 20,000 the JIT's tiering thread (framework
    /// code, mostly Kestrel's, recompiled with profile data) was still 11–12 % of the validators'
    /// CPU in a perf profile; after 60,000, 5.7 %. A validator running for days pays none of it.
    /// </summary>
    public const int WarmupDefault = 60_000;
    private const int BatchSize = 500;
    /// <summary>With a target rate, batches are smaller so the offered load is smooth.</summary>
    private const int PacedBatchSize = 50;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(8);

    public sealed record Result(
        int Validators, int Transactions, int Accounts, double SubmitSeconds, double WindowSeconds,
        double OverallTps, double MedianWindowTps, double LatencyP50Ms, double LatencyP95Ms, double LatencyP99Ms,
        double BlocksPerSecond, double MeanBlockTxs, double CpuSecondsPer1000TxsPerValidator, double PeakMemoryMiBPerNode,
        double VerifyPerSecond, double Efficiency, double VerifyAllCoresPerSecond, double EfficiencyAllCores, double SignatureChecksPerTx, double GossipCopiesPerTx, bool ExactlyOnce, bool StateRootsAgree, ulong FinalHeight, string Problems,
        IReadOnlyList<int> TransfersPerWindow, int TargetRate, int Warmup);

    public async Task<Result> RunAsync(CancellationToken cancel)
    {
        progress("measuring V (Ed25519 verifications per second, one core)");
        double v = VerifyRate.Measure();
        double vAll = VerifyRate.MeasureAllCores();
        string dir = Path.Combine(Path.GetTempPath(), $"polis-bench-{Guid.NewGuid():N}");
        var manifest = DevnetLayout.Create(dir, validators, basePort, accounts + (warmup > 0 ? WarmupAccounts : 0), tune: c => c.EmptyBlockDelayMs = 50);
        var processes = new List<Process>();
        try
        {
            foreach (var node in manifest.Nodes) processes.Add(NodeProcess.Start(node.Home, detach: false));
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            progress($"started {validators} validators; waiting for the first block");
            await NodeHeights.WaitFor(http, manifest.Nodes.Select(n => n.Api), 1, TimeSpan.FromSeconds(60), cancel);

            progress($"signing {txs} transfers from {accounts} accounts");
            var streams = Sign(manifest, 0, accounts, txs);
            var committed = new ConcurrentDictionary<Hash32, (long Ticks, ulong Height, string Result, int Times)>();
            var blocks = new ConcurrentQueue<(long Ticks, int Txs, long TimeMs)>();
            using var events = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            var watcher = Task.Run(() => Watch(manifest.Nodes[0].Api, committed, blocks, events.Token));
            await Task.Delay(300, cancel);
            if (warmup > 0) await WarmUp(http, manifest, committed, blocks, cancel);

            var cpuBefore = processes.Select(p => ProcessStats.CpuSeconds(p.Id)).ToArray();
            var countersBefore = await ReadCounters(http, manifest, cancel);
            var submitted = new ConcurrentDictionary<Hash32, long>();
            var clock = Stopwatch.StartNew();
            long start = Stopwatch.GetTimestamp();
            long startMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            progress("submitting");
            // Each node's stream carries its share of the target rate (0: as fast as the nodes admit).
            var senders = streams.Select((stream, i) => Task.Run(() => Submit(http, manifest.Nodes[i].Api, stream, submitted,
                rate <= 0 ? 0 : rate * (double)stream.Count / txs, cancel))).ToArray();
            await Task.WhenAll(senders);
            double submitSeconds = clock.Elapsed.TotalSeconds;
            while (committed.Count < txs && clock.Elapsed < Deadline)
            {
                await Task.Delay(200, cancel);
                progress($"committed {committed.Count}/{txs}");
            }
            long end = committed.IsEmpty ? Stopwatch.GetTimestamp() : committed.Values.Max(c => c.Ticks);
            var cpuAfter = processes.Select(p => ProcessStats.CpuSeconds(p.Id)).ToArray();
            var peak = processes.Select(p => ProcessStats.PeakMemoryMiB(p.Id)).ToArray();
            var countersAfter = await ReadCounters(http, manifest, cancel);
            events.Cancel();
            try { await watcher; } catch (OperationCanceledException) { }

            // Exactly once, and the same state everywhere.
            var problems = new List<string>();
            int missing = streams.Sum(s => s.Count(tx => !committed.ContainsKey(tx.Hash)));
            int twice = committed.Values.Count(c => c.Times != 1);
            int failed = committed.Values.Count(c => c.Result != TxStatusResponse.OkResult);
            if (missing > 0) problems.Add($"{missing} transfers not committed");
            if (twice > 0) problems.Add($"{twice} transfers seen in more than one block");
            if (failed > 0) problems.Add($"{failed} transfers failed");
            ulong finalHeight = committed.IsEmpty ? 0 : committed.Values.Max(c => c.Height);
            await NodeHeights.WaitFor(http, manifest.Nodes.Select(n => n.Api), finalHeight, TimeSpan.FromSeconds(60), cancel);
            var roots = new HashSet<string>();
            foreach (var node in manifest.Nodes)
            {
                var block = await http.GetFromJsonAsync<JsonElement>($"{node.Api}/v1/blocks/{finalHeight}", cancel);
                roots.Add(block.GetProperty("header").GetProperty("stateRoot").GetString()!);
            }
            if (roots.Count != 1) problems.Add($"validators disagree on the state root at height {finalHeight}");
            var keys = AccountKeys(manifest);
            for (int a = 0; a < accounts; a++)
            {
                var account = await http.GetFromJsonAsync<JsonElement>($"{manifest.Nodes[^1].Api}/v1/accounts/{keys[a].Address}", cancel);
                ulong expectedNonce = (ulong)CountFor(a);
                if (account.GetProperty("nonce").GetUInt64() != expectedNonce)
                {
                    problems.Add($"account {keys[a].Address} has nonce {account.GetProperty("nonce")}, expected {expectedNonce}");
                    break;
                }
            }
            foreach (var key in keys) key.Dispose();

            // V again after the load (the nodes are idle by then); the higher of the two is used, so a
            // slow moment of this shared machine cannot flatter the efficiency ratio.
            v = Math.Max(v, VerifyRate.Measure());
            vAll = Math.Max(vAll, VerifyRate.MeasureAllCores());
            double window = Stopwatch.GetElapsedTime(start, end).TotalSeconds;
            var latencies = committed.Select(c => submitted.TryGetValue(c.Key, out long s) ? Stopwatch.GetElapsedTime(s, c.Value.Ticks).TotalMilliseconds : double.NaN)
                .Where(x => !double.IsNaN(x)).OrderBy(x => x).ToArray();
            var blockList = blocks.Where(b => b.Ticks >= start && b.Ticks <= end).ToList();
            double tps = committed.Count / Math.Max(window, 1e-9);
            double cpu = Enumerable.Range(0, processes.Count).Average(i => cpuAfter[i] - cpuBefore[i]);
            return new Result(validators, txs, accounts, submitSeconds, window, tps, MedianWindowTps(blocks.ToList(), startMs),
                Percentile(latencies, 0.50), Percentile(latencies, 0.95), Percentile(latencies, 0.99),
                blockList.Count / Math.Max(window, 1e-9), blockList.Count == 0 ? 0 : blockList.Average(b => b.Txs),
                cpu / (txs / 1000.0), peak.Max(), v, tps * validators / (Environment.ProcessorCount * v), vAll, tps * validators / vAll,
                countersAfter.Zip(countersBefore).Average(c => c.First.SignatureChecks - c.Second.SignatureChecks) / txs,
                countersAfter.Zip(countersBefore).Average(c => c.First.TxsFromPeers - c.Second.TxsFromPeers) / txs,
                missing == 0 && twice == 0, roots.Count == 1, finalHeight, string.Join("; ", problems), Windows(blocks.ToList(), startMs), rate, warmup);
        }
        finally
        {
            foreach (var (p, i) in processes.Select((p, i) => (p, i))) NodeProcess.Stop(p.Id, manifest.Nodes[i].Home, TimeSpan.FromSeconds(10));
            foreach (var p in processes) p.Dispose();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Each validator's libsodium signature checks and transactions received from peers so far (from its /metrics).</summary>
    private static async Task<(double SignatureChecks, double TxsFromPeers)[]> ReadCounters(HttpClient http, DevnetManifest manifest, CancellationToken cancel)
    {
        var counters = new List<(double, double)>();
        foreach (var node in manifest.Nodes)
        {
            string page = await http.GetStringAsync($"{node.Api}/metrics", cancel);
            counters.Add((MetricsText.Sum(page, "polis_signature_checks_total"), MetricsText.Sum(page, "polis_p2p_txs_received_total")));
        }
        return [.. counters];
    }

    private int CountFor(int account) => txs / accounts + (account < txs % accounts ? 1 : 0);

    private static List<KeyPair> AccountKeys(DevnetManifest manifest) => manifest.Accounts.Select(KeyFile.Load).ToList();

    /// <summary>
    /// A first load through every node before anything is measured: a node's first minute is spent
    /// largely in the JIT (tiered compilation rewrites the hot paths), a cost paid once per process
    /// start that a validator running for months never sees again.
    /// </summary>
    private async Task WarmUp(HttpClient http, DevnetManifest manifest, ConcurrentDictionary<Hash32, (long, ulong, string, int)> committed,
        ConcurrentQueue<(long, int, long)> blocks, CancellationToken cancel)
    {
        progress($"warming up: {warmup} transfers from {WarmupAccounts} accounts of their own, not measured");
        var streams = Sign(manifest, accounts, WarmupAccounts, warmup);
        var ignored = new ConcurrentDictionary<Hash32, long>();
        await Task.WhenAll(streams.Select((stream, i) => Task.Run(() => Submit(http, manifest.Nodes[i].Api, stream, ignored, 0, cancel))));
        var clock = Stopwatch.StartNew();
        while (streams.Any(s => s.Any(tx => !committed.ContainsKey(tx.Hash))))
        {
            if (clock.Elapsed > Deadline) throw new TimeoutException("the warm-up transfers did not commit");
            await Task.Delay(200, cancel);
        }
        committed.Clear();
        blocks.Clear();
    }

    /// <summary>
    /// Per node, <paramref name="count"/> transfers from accounts first..first+n-1 in nonce order
    /// (account a always goes to node a mod n, so its nonces arrive in order).
    /// </summary>
    private List<List<Transaction>> Sign(DevnetManifest manifest, int first, int n, int count)
    {
        var keys = AccountKeys(manifest);
        var recipients = Enumerable.Range(0, 1000).Select(i => KeyPair.FromLabel($"bench-recipient-{i}").Address).ToArray();
        var streams = Enumerable.Range(0, validators).Select(_ => new List<Transaction>()).ToList();
        var all = new Transaction[count];
        Parallel.For(0, count, i =>
        {
            int account = first + i % n;
            ulong nonce = (ulong)(i / n);
            all[i] = Transaction.Create(manifest.ChainId, keys[account], nonce, AccountsKeys.Module, new TransferBody(recipients[i % recipients.Length], 1).ToBytes());
        });
        for (int i = 0; i < count; i++) streams[(first + i % n) % validators].Add(all[i]);
        foreach (var key in keys) key.Dispose();
        return streams;
    }

    private static async Task Submit(HttpClient http, string api, List<Transaction> stream, ConcurrentDictionary<Hash32, long> submitted,
        double perSecond, CancellationToken cancel)
    {
        int size = perSecond > 0 ? PacedBatchSize : BatchSize;
        var clock = Stopwatch.StartNew();
        for (int offset = 0; offset < stream.Count; offset += size)
        {
            if (perSecond > 0)
            {
                // Open loop at a fixed rate: batch k leaves at k × size / rate, late or not.
                var due = TimeSpan.FromSeconds(offset / perSecond);
                if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed, cancel);
            }
            var batch = stream.GetRange(offset, Math.Min(size, stream.Count - offset));
            long now = Stopwatch.GetTimestamp();
            foreach (var tx in batch) submitted.TryAdd(tx.Hash, now);
            var body = TxBatchEndpoint.Encode(batch);
            while (true)
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new("application/octet-stream");
                using var response = await http.PostAsync($"{api}/v1/txs/batch", content, cancel);
                var answer = await response.Content.ReadFromJsonAsync<JsonElement>(cancel);
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"batch refused: {answer}");
                // Refusals other than a full mempool are failures of the benchmark itself (nonces used are fine: a retry after a commit).
                foreach (var refusal in answer.GetProperty("refused").EnumerateArray())
                    if (refusal.GetProperty("code").GetString() != "NonceUsed") throw new InvalidOperationException($"transfer refused: {refusal}");
                if (answer.GetProperty("mempoolFull").GetInt32() == 0) break;
                await Task.Delay(100, cancel); // backpressure: the node's mempool is full; resubmit the batch (duplicates are accepted idempotently)
            }
        }
    }

    private static async Task Watch(string api, ConcurrentDictionary<Hash32, (long, ulong, string, int)> committed,
        ConcurrentQueue<(long, int, long)> blocks, CancellationToken cancel)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        // Results only: the watcher counts commits, and rendering every transfer's event on node0 would tax that validator.
        using var stream = await http.GetStreamAsync($"{api}/v1/events?events=none", cancel);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancel) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            long now = Stopwatch.GetTimestamp();
            using var doc = JsonDocument.Parse(line.AsMemory(6));
            var root = doc.RootElement;
            ulong height = root.GetProperty("height").GetUInt64();
            int count = root.GetProperty("txCount").GetInt32();
            blocks.Enqueue((now, count, root.GetProperty("timeMs").GetInt64()));
            foreach (var r in root.GetProperty("results").EnumerateArray())
            {
                var hash = Hash32.Parse(r.GetProperty("hash").GetString()!);
                string result = r.GetProperty("result").GetString()!;
                committed.AddOrUpdate(hash, (now, height, result, 1), (_, old) => (old.Item1, old.Item2, old.Item3, old.Item4 + 1));
            }
        }
    }

    /// <summary>
    /// Median over 5 s windows of transfers per second, by the blocks' own timestamps (proposal time
    /// on the same machine's clock), from the start of submission to the last block with transfers,
    /// so a late event stream cannot bunch commits into one window.
    /// </summary>
    private static double MedianWindowTps(List<(long Ticks, int Txs, long TimeMs)> blocks, long startMs)
    {
        var counts = Windows(blocks, startMs).ToArray();
        if (counts.Length == 0) return double.NaN;
        Array.Sort(counts);
        return counts[counts.Length / 2] / 5.0;
    }

    /// <summary>Transfers committed in each whole 5 s window from the start of submission.</summary>
    private static List<int> Windows(List<(long Ticks, int Txs, long TimeMs)> blocks, long startMs)
    {
        var busy = blocks.Where(b => b.Txs > 0).ToList();
        if (busy.Count == 0) return [];
        long endMs = busy.Max(b => b.TimeMs);
        int windows = (int)((endMs - startMs) / 5000);
        var counts = new int[Math.Max(0, windows)];
        foreach (var b in busy)
        {
            long w = (b.TimeMs - startMs) / 5000;
            if (w >= 0 && w < windows) counts[w] += b.Txs;
        }
        return [.. counts];
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
