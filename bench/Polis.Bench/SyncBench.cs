using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Polis.Devnet;
using Polis.Client.Api;
using Polis.Client.Config;
using Polis.Consensus.Wal;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Modules.Accounts;
using Polis.Node.Config;
using Polis.Node.Storage;
using Polis.City;
using Polis.Modules;

namespace Polis.Bench;

/// <summary>
/// `polis bench sync`: a fresh node catching up on a long chain of full blocks, against the live
/// commit rate measured in the same run. The live rate comes from a transfers run on 4 validators.
/// The long chain is written directly into the validators' stores with the node's own ledger
/// (real transfers, executed and signed; each height committed by all validators' precommits), so
/// it is the same chain consensus would have produced, without waiting hours for it. Then the 4
/// validators start on it and keep committing, and an observer with an empty store joins them: it
/// fetches, checks every commit and transaction signature, executes and stores every block.
/// </summary>
public sealed class SyncBench(int blocks, int blockTxs, int accounts, int liveTxs, int basePort, Action<string> progress)
{
    public const int Validators = 4;
    private static readonly TimeSpan CatchUpDeadline = TimeSpan.FromMinutes(10);
    /// <summary>
    /// Blocks a first, unmeasured observer fetches before the measured one joins. The serving
    /// validators are fresh processes here, unlike a city's, which have run for days: in a profile
    /// of the catch-up, half of each validator's CPU was the JIT compiling its block-serving paths,
    /// a tenth of the machine taken from the node being measured.
    /// </summary>
    private const int ServingWarmupBlocksMax = 2_000;
    /// <summary>
    /// The live rate is the validators' steady state, measured as `bench transfers` measures it by
    /// default (the same warm-up); a shorter one leaves JIT work in the live window, which lowers
    /// the live rate and flatters the multiple. Small runs (tests) scale it down.
    /// </summary>
    private int LiveWarmup => Math.Min(TransfersBench.WarmupDefault, 3 * liveTxs);

    public sealed record Result(
        int Blocks, int BlockTxs, long Transactions, double GenerateSeconds, double CatchUpSeconds,
        double SyncBlocksPerSecond, double SyncTxsPerSecond, double SyncCpuSeconds, double SyncPeakMemoryMiB,
        double LiveTps, double LiveBlocksPerSecond, double LiveMeanBlockTxs, double TpsMultiple, double BlocksMultiple,
        double VerifyPerSecond, double SignatureChecksPerTx, bool Agrees, string Problems,
        double VerifyAllCoresPerSecond, double LiveShareOfChecking, double SyncShareOfChecking, double CheckOnlyMultiple);

    public async Task<Result> RunAsync(CancellationToken cancel)
    {
        progress($"live baseline: {liveTxs} transfers on {Validators} validators (polis bench transfers)");
        var live = await new TransfersBench(Validators, liveTxs, accounts, basePort, m => progress("  " + m), warmup: LiveWarmup).RunAsync(cancel);
        if (live.Problems.Length > 0) throw new InvalidOperationException($"live baseline failed: {live.Problems}");

        string dir = Path.Combine(Path.GetTempPath(), $"polis-bench-sync-{Guid.NewGuid():N}");
        var manifest = DevnetLayout.Create(dir, Validators, basePort, accounts, observers: 2, tune: c => c.EmptyBlockDelayMs = 200);
        var processes = new List<(Process Process, string Home)>();
        try
        {
            var clock = Stopwatch.StartNew();
            Generate(manifest);
            double generateSeconds = clock.Elapsed.TotalSeconds;
            var source = new NodeHome(manifest.Nodes[0].Home).DataDirectory;
            for (int i = 1; i < Validators; i++) CopyDirectory(source, new NodeHome(manifest.Nodes[i].Home).DataDirectory);
            // The validators' keys signed these commits here, not through a node: each journal says
            // so (what `polis node wal-recover --sign-above-height` writes), or a node would refuse
            // to start on committed blocks without one. None of them signed anything at the next
            // height, so the floor is the chain's height itself (committedHeight 0: no raise).
            foreach (var validator in manifest.Nodes.Take(Validators))
                JournalRepair.Run(new FileWalDirectory(new NodeHome(validator.Home).WalDirectory), manifest.ChainId, signAboveHeight: (ulong)blocks, committedHeight: 0);

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            foreach (var validator in manifest.Nodes.Take(Validators)) processes.Add((NodeProcess.Start(validator.Home, detach: false), validator.Home));
            progress($"{Validators} validators started on the chain of {blocks} blocks; waiting until they commit live");
            await NodeHeights.WaitFor(http, manifest.Nodes.Take(Validators).Select(n => n.Api), (ulong)blocks + 1, TimeSpan.FromSeconds(60), cancel);

            await WarmUpServing(manifest.Nodes[Validators + 1], processes, http, cancel);

            var observer = manifest.Nodes[Validators];
            progress("a fresh observer joins and catches up");
            clock.Restart();
            var syncing = NodeProcess.Start(observer.Home, detach: false);
            processes.Add((syncing, observer.Home));
            await CatchUp("observer", syncing, observer.Api, (ulong)blocks, http, report: true, cancel);
            double catchUp = clock.Elapsed.TotalSeconds;
            double cpu = ProcessStats.CpuSeconds(syncing.Id);
            double peak = ProcessStats.PeakMemoryMiB(syncing.Id);
            // libsodium checks by the observer (transactions, commits, votes): about one per transfer
            // plus a commit's signatures per block, if every signature is checked once.
            double checks = MetricsText.Sum(await http.GetStringAsync($"{observer.Api}/metrics", cancel), "polis_signature_checks_total");

            // Agreement: the observer's last synced block is the validators' block, with the same state root.
            var problems = new List<string>();
            var ids = new HashSet<string>();
            foreach (var node in manifest.Nodes.Take(Validators + 1))
            {
                var block = await http.GetFromJsonAsync<JsonElement>($"{node.Api}/v1/blocks/{blocks}", cancel);
                ids.Add(block.GetProperty("id").GetString() + "/" + block.GetProperty("header").GetProperty("stateRoot").GetString());
            }
            if (ids.Count != 1) problems.Add($"the nodes disagree on block {blocks} or its state root");

            long transactions = (long)blocks * blockTxs;
            double syncTps = transactions / catchUp;
            double checksPerTx = checks / transactions;
            // The machine's checking capacity, all cores at once, as the live run measured it (its
            // higher reading, as there); measured again now, in case the machine was slower then.
            double vAll = Math.Max(live.VerifyAllCoresPerSecond, VerifyRate.MeasureAllCores());
            return new Result(blocks, blockTxs, transactions, generateSeconds, catchUp, blocks / catchUp, syncTps, cpu, peak,
                live.OverallTps, live.BlocksPerSecond, live.MeanBlockTxs, syncTps / live.OverallTps, blocks / catchUp / live.BlocksPerSecond,
                live.VerifyPerSecond, checksPerTx, ids.Count == 1, string.Join("; ", problems),
                vAll, live.OverallTps * Validators / vAll, syncTps * checksPerTx / vAll, vAll / checksPerTx / live.OverallTps);
        }
        finally
        {
            foreach (var (process, home) in processes)
            {
                if (!process.HasExited) NodeProcess.Stop(process.Id, home, TimeSpan.FromSeconds(10));
                process.Dispose();
            }
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>An unmeasured observer fetches the first blocks, so the validators serve the measured one warm; then it stops.</summary>
    private async Task WarmUpServing(DevnetManifest.DevnetNode warmer, List<(Process, string)> processes, HttpClient http, CancellationToken cancel)
    {
        int warmupBlocks = Math.Min(ServingWarmupBlocksMax, blocks / 5);
        progress($"warming up the validators' block serving: an unmeasured observer fetches {warmupBlocks} blocks");
        var warming = NodeProcess.Start(warmer.Home, detach: false);
        processes.Add((warming, warmer.Home));
        await CatchUp("warm-up observer", warming, warmer.Api, (ulong)warmupBlocks, http, report: false, cancel);
        // It must be gone before the measured observer joins: a running one would be a second peer and load.
        NodeProcess.Stop(warming.Id, warmer.Home, TimeSpan.FromSeconds(10));
        if (!warming.WaitForExit(TimeSpan.FromSeconds(5))) warming.Kill(entireProcessTree: true);
        warming.WaitForExit();
    }

    /// <summary>Waits until a syncing node reaches the height; fails if it exits or misses the deadline.</summary>
    private async Task CatchUp(string who, Process node, string api, ulong target, HttpClient http, bool report, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        ulong height = 0, reported = 0;
        while (height < target)
        {
            if (clock.Elapsed > CatchUpDeadline) throw new TimeoutException($"the {who} reached only height {height} of {target} in {CatchUpDeadline.TotalMinutes:F0} min");
            if (node.HasExited) throw new InvalidOperationException($"the {who} exited with code {node.ExitCode}");
            await Task.Delay(100, cancel);
            height = await NodeHeights.Of(http, api, cancel) ?? 0;
            if (report && height >= reported + 1000)
            {
                reported = height;
                progress($"{who} at height {height}/{target} after {clock.Elapsed.TotalSeconds:F1} s");
            }
        }
    }

    /// <summary>Writes the chain into node0's store: transfers signed in parallel, each height executed and committed by all validators.</summary>
    private void Generate(DevnetManifest manifest)
    {
        var modules = CityModules.Create();
        var genesis = GenesisFile.Load(manifest.Genesis).ToGenesis(modules);
        var validatorKeys = manifest.Nodes.Take(Validators)
            .Select(n => { var home = new NodeHome(n.Home); return KeyFile.Load(home.Resolve(NodeConfig.Load(home.ConfigPath).ValidatorKeyFile!)); })
            .OrderBy(k => genesis.Validators.IndexOf(k.Address)).ToList();
        var senders = manifest.Accounts.Select(KeyFile.Load).ToList();
        var recipients = Enumerable.Range(0, 1000).Select(i => KeyPair.FromLabel($"bench-recipient-{i}").Address).ToArray();
        const int Chunk = 100; // blocks signed ahead at a time
        var clock = Stopwatch.StartNew();
        try
        {
            using var ledger = new NodeLedger(genesis, new NodeHome(manifest.Nodes[0].Home).DataDirectory, DirectSignatureVerifier.Instance, modules);
            // Written once and closed before any node opens it: a synced write per height would only wait for the disk.
            ledger.Storage.SyncWrites = false;
            for (int first = 0; first < blocks; first += Chunk)
            {
                int count = Math.Min(Chunk, blocks - first);
                var txs = new Transaction[count * blockTxs];
                Parallel.For(0, txs.Length, j =>
                {
                    long i = (long)first * blockTxs + j;
                    int account = (int)(i % accounts);
                    txs[j] = Transaction.Create(manifest.ChainId, senders[account], (ulong)(i / accounts), AccountsKeys.Module,
                        new TransferBody(recipients[i % recipients.Length], 1).ToBytes());
                });
                for (int b = 0; b < count; b++)
                {
                    var chain = ledger.Chain;
                    ulong height = chain.Height + 1;
                    var proposer = chain.Validators.Proposer(height, 0).Address;
                    var block = chain.Build(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), proposer, new ArraySegment<Transaction>(txs, b * blockTxs, blockTxs), [], blockTxs);
                    if (block.Transactions.Count != blockTxs) throw new InvalidOperationException($"block {height} took {block.Transactions.Count} of {blockTxs} transfers");
                    var signBytes = Vote.SignBytes(manifest.ChainId, VoteType.Precommit, height, 0, block.Id);
                    var signatures = validatorKeys.Select((k, index) => new CommitSignature((ushort)index, k.Sign(signBytes))).ToArray();
                    ledger.Commit(block, new Commit(height, 0, block.Id, signatures));
                }
                progress($"wrote {first + count}/{blocks} blocks of {blockTxs} transfers ({(first + count) / clock.Elapsed.TotalSeconds:F0} blocks/s)");
            }
        }
        finally
        {
            foreach (var k in validatorKeys) k.Dispose();
            foreach (var k in senders) k.Dispose();
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        foreach (var sub in Directory.GetDirectories(from)) CopyDirectory(sub, Path.Combine(to, Path.GetFileName(sub)));
    }
}
