using System.CommandLine;
using System.Text.Json;
using Polis.Bench;
using Spectre.Console;
using Polis.Modules.Cli;

namespace Polis.Cli.Commands;

/// <summary>`polis bench transfers|sync|state|ingest`: benchmarks of real processes on loopback, with V measured in the same run.</summary>
public static class BenchCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static Command Create()
    {
        var validators = new Option<int>("--validators") { Description = "validators (separate processes)", DefaultValueFactory = _ => 4 };
        var txs = new Option<int>("--txs") { Description = "transfers, signed before the timed window", DefaultValueFactory = _ => 60_000 };
        var accounts = new Option<int>("--accounts") { Description = "sending accounts", DefaultValueFactory = _ => 300 };
        var basePort = new Option<int>("--base-port") { Description = "first port (node i: base+2i P2P, base+2i+1 API)", DefaultValueFactory = _ => 27900 };
        var scaling = new Option<bool>("--scaling") { Description = "run for 4, 7 and 10 validators and print the scaling table" };
        var rate = new Option<int>("--rate") { Description = "offered load in transfers per second, open loop (0: as fast as the nodes admit them)", DefaultValueFactory = _ => 0 };
        var warmup = new Option<int>("--warmup") { Description = $"transfers committed before the timed window, from accounts of their own, so the JIT's first-minutes work is not measured (0..{TransfersBench.WarmupMax})", DefaultValueFactory = _ => TransfersBench.WarmupDefault };
        var results = new Option<string?>("--results") { Description = "directory for the JSON result file (default: bench/results of the repository, or of the current directory)" };
        var transfers = new Command("transfers", "Committed TPS, latency, CPU and memory per validator, V and the efficiency ratio; checks exactly-once and agreement.")
        {
            validators, txs, accounts, basePort, scaling, rate, warmup, results,
        };
        transfers.SetAction((parse, cancel) => Transfers(parse.GetValue(scaling) ? [4, 7, 10] : [parse.GetValue(validators)],
            parse.GetValue(txs), parse.GetValue(accounts), parse.GetValue(basePort), parse.GetValue(rate), parse.GetValue(warmup), parse.GetValue(results), cancel));
        return new Command("bench", "Benchmarks of the running system.") { transfers, Ingest(), State(), Sync() };
    }

    private static async Task<int> Transfers(int[] validatorCounts, int txs, int accounts, int basePort, int rate, int warmup, string? resultsDir, CancellationToken cancel)
    {
        if (warmup is < 0 or > TransfersBench.WarmupMax) return CliOutput.Fail($"--warmup must be 0..{TransfersBench.WarmupMax}", CliOutput.UsageError);
        if (rate is < 0 or > 1_000_000) return CliOutput.Fail("--rate must be 0..1000000", CliOutput.UsageError);
        if (validatorCounts.Any(v => v is < 1 or > 32)) return CliOutput.Fail("--validators must be 1..32", CliOutput.UsageError);
        if (txs is < 1 or > 2_000_000) return CliOutput.Fail("--txs must be 1..2000000", CliOutput.UsageError);
        if (accounts < 1 || accounts > 100_000 || (txs + accounts - 1) / accounts > Polis.Node.Mempool.MempoolLimits.DefaultSenderTxsMax)
            return CliOutput.Fail($"--accounts must be 1..100000 and leave at most {Polis.Node.Mempool.MempoolLimits.DefaultSenderTxsMax} transfers per account", CliOutput.UsageError);
        var machine = MachineInfo.Read();
        var results = new List<TransfersBench.Result>();
        foreach (int n in validatorCounts)
        {
            var bench = new TransfersBench(n, txs, accounts, basePort, message => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}[/]"), rate, warmup);
            results.Add(await bench.RunAsync(cancel));
        }
        // One column per run, one row per measure: readable in an 80-column terminal.
        var table = new Table().AddColumn("measure");
        foreach (var r in results) table.AddColumn(new TableColumn($"{r.Validators} validators").RightAligned());
        void Row(string name, Func<TransfersBench.Result, string> value) => table.AddRow([name, .. results.Select(value)]);
        Row("committed TPS, overall", r => $"{r.OverallTps:F0}");
        Row("committed TPS, median of 5 s windows", r => double.IsNaN(r.MedianWindowTps) ? "-" : $"{r.MedianWindowTps:F0}");
        Row("latency p50 / p95 / p99 (ms)", r => $"{r.LatencyP50Ms:F0} / {r.LatencyP95Ms:F0} / {r.LatencyP99Ms:F0}");
        Row("blocks per second", r => $"{r.BlocksPerSecond:F2}");
        Row("mean transfers per block", r => $"{r.MeanBlockTxs:F0}");
        Row("CPU seconds per 1,000 transfers, per validator", r => $"{r.CpuSecondsPer1000TxsPerValidator:F3}");
        Row("peak memory per node (MiB)", r => $"{r.PeakMemoryMiBPerNode:F0}");
        Row("signature checks per transfer, per validator", r => $"{r.SignatureChecksPerTx:F2}");
        Row("copies of a transfer received from peers", r => $"{r.GossipCopiesPerTx:F2}");
        Row("V: Ed25519 verifications/s, one core", r => $"{r.VerifyPerSecond:F0}");
        Row("limit c × V / n (TPS)", r => $"{Environment.ProcessorCount * r.VerifyPerSecond / r.Validators:F0}");
        Row("efficiency", r => $"{r.Efficiency:F3}");
        Row("all cores verifying at once (/s)", r => $"{r.VerifyAllCoresPerSecond:F0} = {r.VerifyAllCoresPerSecond / r.VerifyPerSecond:F2} V");
        Row("efficiency against all cores at once", r => $"{r.EfficiencyAllCores:F3}");
        Row("every transfer committed exactly once", r => r.ExactlyOnce ? "[green]yes[/]" : "[red]NO[/]");
        Row("all validators at the same state root", r => r.StateRootsAgree ? "[green]yes[/]" : "[red]NO[/]");
        AnsiConsole.MarkupLine($"[bold]polis bench transfers[/]: {txs} transfers from {accounts} accounts{(warmup > 0 ? $" after a warm-up of {warmup}" : "")}{(rate > 0 ? $" offered at {rate}/s" : ", offered as fast as admitted")} on {Markup.Escape(machine.Cpu)}, {machine.Cores} cores");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("efficiency = committed TPS × validators / (cores × V): 1.0 would mean each validator does nothing but one signature check per transfer; the last row divides by what all cores verifying at once really deliver instead of cores × V");
        string file = WriteResults(machine, results, resultsDir);
        AnsiConsole.MarkupLine($"results: {Markup.Escape(file)}");
        bool ok = results.All(r => r.Problems.Length == 0);
        foreach (var r in results.Where(r => r.Problems.Length > 0)) AnsiConsole.MarkupLine($"[red]{r.Validators} validators: {Markup.Escape(r.Problems)}[/]");
        if (ok) AnsiConsole.MarkupLine("[green]every transfer committed exactly once; all validators at the same state root[/]");
        return ok ? 0 : 1;
    }

    private static Command State()
    {
        var keys = new Option<int>("--keys") { Description = "account records loaded before measuring", DefaultValueFactory = _ => 1_000_000 };
        var updates = new Option<int>("--block-updates") { Description = "updates per measured block", DefaultValueFactory = _ => 2_000 };
        var blocks = new Option<int>("--blocks") { Description = "measured blocks", DefaultValueFactory = _ => 50 };
        var target = new Option<int>("--target-tps") { Description = "the load whose one-second block's state commit is reported as a share of the second", DefaultValueFactory = _ => 3_000 };
        var results = new Option<string?>("--results") { Description = "directory for the JSON result file (default: bench/results)" };
        var command = new Command("state", "State tree updates per second on RocksDB at a million keys, and the state commit's share of block time at the target load.")
        {
            keys, updates, blocks, target, results,
        };
        command.SetAction(parse =>
        {
            int k = parse.GetValue(keys), u = parse.GetValue(updates), b = parse.GetValue(blocks), t = parse.GetValue(target);
            if (k is < 1_000 or > 50_000_000) return CliOutput.Fail("--keys must be 1000..50000000", CliOutput.UsageError);
            if (u is < 1 or > 1_000_000 || b is < 3 or > 10_000 || t is < 1 or > 1_000_000) return CliOutput.Fail("--block-updates 1..1000000, --blocks 3..10000, --target-tps 1..1000000", CliOutput.UsageError);
            var machine = MachineInfo.Read();
            var r = new StateBench(k, u, b, t, m => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(m)}[/]")).Run();
            var table = new Table().AddColumns("measure", "value");
            table.AddRow("keys in the tree", $"{r.Keys:N0} ({r.DiskMiB:N0} MiB on disk)");
            table.AddRow("bulk load, updates per second", $"{r.LoadUpdatesPerSecond:N0}");
            table.AddRow($"block of {r.BlockUpdates:N0} updates: median / p90 (ms)", $"{r.MedianBlockMs:F1} / {r.P90BlockMs:F1}");
            table.AddRow("of which: puts and root computation (median ms)", $"{r.MedianRootMs:F1}");
            table.AddRow("updates per second (median block)", $"{r.UpdatesPerSecond:N0}");
            table.AddRow("random read, median (µs)", $"{r.MedianReadMicros:F1}");
            table.AddRow($"state commit of one second at {r.TargetTps:N0} TPS ({2 * r.TargetTps:N0} updates)", $"{r.TargetBlockStateMs:F0} ms = {r.TargetShareOfSecond:P0} of the second");
            AnsiConsole.MarkupLine($"[bold]polis bench state[/] on {Markup.Escape(machine.Cpu)}, {machine.Cores} cores (one thread)");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"results: {Markup.Escape(WriteJson("state", new { benchmark = "state", utc = DateTime.UtcNow, machine, result = r }, parse.GetValue(results)))}");
            return 0;
        });
        return command;
    }

    private static Command Sync()
    {
        var blocks = new Option<int>("--blocks") { Description = "blocks in the chain the fresh node catches up on", DefaultValueFactory = _ => 10_000 };
        var blockTxs = new Option<int>("--block-txs") { Description = "transfers in every block", DefaultValueFactory = _ => 100 };
        var accounts = new Option<int>("--accounts") { Description = "sending accounts", DefaultValueFactory = _ => 300 };
        var liveTxs = new Option<int>("--live-txs") { Description = "transfers of the live baseline run (4 validators; as bench transfers by default)", DefaultValueFactory = _ => 60_000 };
        var basePort = new Option<int>("--base-port") { Description = "first port (node i: base+2i P2P, base+2i+1 API)", DefaultValueFactory = _ => 28000 };
        var results = new Option<string?>("--results") { Description = "directory for the JSON result file (default: bench/results)" };
        var command = new Command("sync", "A fresh node catching up on a long chain of full blocks: blocks and transfers per second, as a multiple of the live commit rate measured in the same run.")
        {
            blocks, blockTxs, accounts, liveTxs, basePort, results,
        };
        command.SetAction(async (parse, cancel) =>
        {
            int b = parse.GetValue(blocks), t = parse.GetValue(blockTxs), a = parse.GetValue(accounts), l = parse.GetValue(liveTxs);
            if (b is < 10 or > 1_000_000) return CliOutput.Fail("--blocks must be 10..1000000", CliOutput.UsageError);
            if (t is < 1 or > Polis.Core.Limits.BlockTxsMax) return CliOutput.Fail($"--block-txs must be 1..{Polis.Core.Limits.BlockTxsMax}", CliOutput.UsageError);
            if (a < t || a > 100_000) return CliOutput.Fail("--accounts must be at least --block-txs (one transfer per account per block) and at most 100000", CliOutput.UsageError);
            if (l < 100 || l > 2_000_000 || (l + a - 1) / a > Polis.Node.Mempool.MempoolLimits.DefaultSenderTxsMax)
                return CliOutput.Fail($"--live-txs must be 100..2000000 and leave at most {Polis.Node.Mempool.MempoolLimits.DefaultSenderTxsMax} transfers per account", CliOutput.UsageError);
            var machine = MachineInfo.Read();
            var r = await new SyncBench(b, t, a, l, parse.GetValue(basePort), m => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(m)}[/]")).RunAsync(cancel);
            var table = new Table().AddColumns(new TableColumn("measure"), new TableColumn("catch-up").RightAligned(), new TableColumn("live").RightAligned(), new TableColumn("multiple").RightAligned());
            table.AddRow("transfers per second", $"{r.SyncTxsPerSecond:N0}", $"{r.LiveTps:N0}", $"{r.TpsMultiple:F1}×");
            table.AddRow("blocks per second", $"{r.SyncBlocksPerSecond:F1}", $"{r.LiveBlocksPerSecond:F2}", $"{r.BlocksMultiple:F1}×");
            table.AddRow("transfers per block", $"{r.BlockTxs:N0}", $"{r.LiveMeanBlockTxs:N0}", "");
            table.AddRow("chain", $"{r.Blocks:N0} blocks, {r.Transactions:N0} transfers in {r.CatchUpSeconds:F1} s", "", "");
            table.AddRow("catching-up node: signature checks per transfer", $"{r.SignatureChecksPerTx:F2}", "", "");
            table.AddRow("catching-up node: CPU seconds, peak memory", $"{r.SyncCpuSeconds:F1} s, {r.SyncPeakMemoryMiB:F0} MiB", "", "");
            table.AddRow("signature checks done, as a share of what all cores can check", $"{r.SyncShareOfChecking:P0}", $"{r.LiveShareOfChecking:P0}", "");
            table.AddRow("if the checks were all the work (ceiling)", "", "", $"{r.CheckOnlyMultiple:F1}×");
            AnsiConsole.MarkupLine($"[bold]polis bench sync[/] on {Markup.Escape(machine.Cpu)}, {machine.Cores} cores: a fresh observer catches up from 4 validators that keep committing");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"V = {r.VerifyPerSecond:F0} Ed25519 verifications/s on one core; the catching-up node checks every commit and every transfer's signature once");
            AnsiConsole.MarkupLine($"all cores at once: {r.VerifyAllCoresPerSecond:F0}/s. multiple = {SyncBench.Validators} validators × catch-up share / (live share × checks per transfer), " +
                $"so 5× needs a catch-up share of {5 * r.LiveShareOfChecking * r.SignatureChecksPerTx / SyncBench.Validators:P0}");
            AnsiConsole.MarkupLine($"results: {Markup.Escape(WriteJson("sync", new { benchmark = "sync", utc = DateTime.UtcNow, machine, result = r }, parse.GetValue(results)))}");
            if (r.Problems.Length > 0) return CliOutput.Fail(r.Problems);
            AnsiConsole.MarkupLine("[green]the caught-up node agrees with the validators on the last block and its state root[/]");
            return 0;
        });
        return command;
    }

    private static Command Ingest()
    {
        var readings = new Option<int>("--readings") { Description = "readings, signed before the timed window; a third over MQTT one per message, a third over MQTT as device backlogs, a third over HTTP", DefaultValueFactory = _ => 300_000 };
        var devices = new Option<int>("--devices") { Description = "registered devices publishing them", DefaultValueFactory = _ => 1_000 };
        var validators = new Option<int>("--validators") { Description = "validators (node0 also runs the gateway)", DefaultValueFactory = _ => 1 };
        var basePort = new Option<int>("--base-port") { Description = "first port (node i: base+2i P2P, base+2i+1 API; MQTT after the nodes)", DefaultValueFactory = _ => 27950 };
        var warmup = new Option<int>("--warmup") { Description = $"readings accepted before the timed window, a third over each path, so the JIT's first work is not measured (0..{IngestBench.WarmupMax})", DefaultValueFactory = _ => IngestBench.WarmupDefault };
        var results = new Option<string?>("--results") { Description = "directory for the JSON result file (default: bench/results)" };
        var command = new Command("ingest", "Gateway ingestion: readings/s verified, stored and anchored over MQTT and HTTP, against cores × V.")
        {
            readings, devices, validators, basePort, warmup, results,
        };
        command.SetAction((parse, cancel) => RunIngest(parse.GetValue(readings), parse.GetValue(devices), parse.GetValue(validators), parse.GetValue(basePort), parse.GetValue(warmup), parse.GetValue(results), cancel));
        return command;
    }

    private static async Task<int> RunIngest(int readings, int devices, int validators, int basePort, int warmup, string? resultsDir, CancellationToken cancel)
    {
        if (readings is < 3 or > 5_000_000) return CliOutput.Fail("--readings must be 3..5000000", CliOutput.UsageError);
        if (warmup is < 0 or > IngestBench.WarmupMax) return CliOutput.Fail($"--warmup must be 0..{IngestBench.WarmupMax}", CliOutput.UsageError);
        if (devices is < 1 or > 100_000) return CliOutput.Fail("--devices must be 1..100000", CliOutput.UsageError);
        if (validators is < 1 or > 16) return CliOutput.Fail("--validators must be 1..16", CliOutput.UsageError);
        var machine = MachineInfo.Read();
        var bench = new IngestBench(readings, devices, validators, basePort, message => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}[/]"), warmup);
        var r = await bench.RunAsync(cancel);
        var table = new Table().AddColumn("measure");
        foreach (var p in r.Paths) table.AddColumn(new TableColumn(p.Path).RightAligned());
        void Row(string name, Func<IngestBench.PathResult, string> value) => table.AddRow([name, .. r.Paths.Select(value)]);
        Row("readings accepted / refused", p => $"{p.Accepted:N0} / {p.Refused:N0}");
        Row("accepted per second (verified, stored, acknowledged)", p => $"{p.AcceptedPerSecond:F0}");
        Row("anchored per second (until the last batch committed)", p => double.IsNaN(p.AnchoredPerSecond) ? "[red]not all anchored[/]" : $"{p.AnchoredPerSecond:F0}");
        Row("gateway node CPU seconds per 1,000 readings", p => $"{p.GatewayCpuSecondsPer1000:F3}");
        Row("share of cores × V (accepted per second)", p => $"{p.AcceptedPerSecond / r.Ceiling:P0}");
        Row("share of all cores verifying at once", p => $"{p.AcceptedPerSecond / r.VerifyAllCoresPerSecond:P0}");
        Row("one verification / gateway CPU per reading", p => $"{1000.0 / r.VerifyPerSecond / p.GatewayCpuSecondsPer1000:P0}");
        AnsiConsole.MarkupLine($"[bold]polis bench ingest[/]: {r.Readings:N0} readings from {r.Devices:N0} devices{(r.Warmup > 0 ? $" after a warm-up of {r.Warmup:N0}" : "")}, {r.Validators} validator(s), on {Markup.Escape(machine.Cpu)}, {machine.Cores} cores");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"V = {r.VerifyPerSecond:F0} Ed25519 verifications/s on one core; ceiling cores × V = {r.Ceiling:F0} readings/s (the gateway checks one signature per reading); all cores verifying at once: {r.VerifyAllCoresPerSecond:F0}/s = {r.VerifyAllCoresPerSecond / r.VerifyPerSecond:F2} V");
        AnsiConsole.MarkupLine("the load generator runs on the same cores: the last row is the gateway's own cost per reading against the signature check it cannot avoid");
        string file = WriteJson("ingest", new { benchmark = "ingest", utc = DateTime.UtcNow, machine, result = r }, resultsDir);
        AnsiConsole.MarkupLine($"results: {Markup.Escape(file)}");
        if (r.Problems.Length > 0) return CliOutput.Fail(r.Problems);
        AnsiConsole.MarkupLine("[green]every reading accepted and anchored[/]");
        return 0;
    }

    private static string WriteResults(MachineInfo machine, List<TransfersBench.Result> results, string? resultsDir) =>
        WriteJson("transfers", new { benchmark = "transfers", utc = DateTime.UtcNow, machine, results }, resultsDir);

    private static string WriteJson(string name, object document, string? resultsDir)
    {
        string root = Directory.GetCurrentDirectory();
        for (var d = new DirectoryInfo(root); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Polis.slnx"))) { root = d.FullName; break; }
        string dir = resultsDir ?? Path.Combine(root, "bench", "results");
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, $"{name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
        File.WriteAllText(file, JsonSerializer.Serialize(document, Json));
        return file;
    }
}
