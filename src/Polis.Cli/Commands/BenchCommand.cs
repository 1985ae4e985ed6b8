using System.CommandLine;
using System.Text.Json;
using Polis.Cli.Bench;
using Spectre.Console;

namespace Polis.Cli.Commands;

/// <summary>`polis bench transfers`: the network benchmark (real processes on loopback), with V measured in the same run.</summary>
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
        var results = new Option<string?>("--results") { Description = "directory for the JSON result file (default: bench/results of the repository, or of the current directory)" };
        var transfers = new Command("transfers", "Committed TPS, latency, CPU and memory per validator, V and the efficiency ratio; checks exactly-once and agreement.")
        {
            validators, txs, accounts, basePort, scaling, rate, results,
        };
        transfers.SetAction((parse, cancel) => Transfers(parse.GetValue(scaling) ? [4, 7, 10] : [parse.GetValue(validators)],
            parse.GetValue(txs), parse.GetValue(accounts), parse.GetValue(basePort), parse.GetValue(rate), parse.GetValue(results), cancel));
        return new Command("bench", "Benchmarks of the running system.") { transfers };
    }

    private static async Task<int> Transfers(int[] validatorCounts, int txs, int accounts, int basePort, int rate, string? resultsDir, CancellationToken cancel)
    {
        if (rate is < 0 or > 1_000_000) return CliOutput.Fail("--rate must be 0..1000000", CliOutput.UsageError);
        if (validatorCounts.Any(v => v is < 1 or > 32)) return CliOutput.Fail("--validators must be 1..32", CliOutput.UsageError);
        if (txs is < 1 or > 2_000_000) return CliOutput.Fail("--txs must be 1..2000000", CliOutput.UsageError);
        if (accounts < 1 || accounts > 100_000 || (txs + accounts - 1) / accounts > Polis.Node.Mempool.TxPool.PerSenderMax)
            return CliOutput.Fail($"--accounts must be 1..100000 and leave at most {Polis.Node.Mempool.TxPool.PerSenderMax} transfers per account", CliOutput.UsageError);
        var machine = MachineInfo.Read();
        var results = new List<TransfersBench.Result>();
        foreach (int n in validatorCounts)
        {
            var bench = new TransfersBench(n, txs, accounts, basePort, message => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}[/]"), rate);
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
        Row("V: Ed25519 verifications/s, one core", r => $"{r.VerifyPerSecond:F0}");
        Row("limit c × V / n (TPS)", r => $"{Environment.ProcessorCount * r.VerifyPerSecond / r.Validators:F0}");
        Row("efficiency", r => $"{r.Efficiency:F3}");
        Row("every transfer committed exactly once", r => r.ExactlyOnce ? "[green]yes[/]" : "[red]NO[/]");
        Row("all validators at the same state root", r => r.StateRootsAgree ? "[green]yes[/]" : "[red]NO[/]");
        AnsiConsole.MarkupLine($"[bold]polis bench transfers[/]: {txs} transfers from {accounts} accounts{(rate > 0 ? $" offered at {rate}/s" : ", offered as fast as admitted")} on {Markup.Escape(machine.Cpu)}, {machine.Cores} cores");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("efficiency = committed TPS × validators / (cores × V): 1.0 would mean each validator does nothing but one signature check per transfer");
        string file = WriteResults(machine, results, resultsDir);
        AnsiConsole.MarkupLine($"results: {Markup.Escape(file)}");
        bool ok = results.All(r => r.Problems.Length == 0);
        foreach (var r in results.Where(r => r.Problems.Length > 0)) AnsiConsole.MarkupLine($"[red]{r.Validators} validators: {Markup.Escape(r.Problems)}[/]");
        if (ok) AnsiConsole.MarkupLine("[green]every transfer committed exactly once; all validators at the same state root[/]");
        return ok ? 0 : 1;
    }

    private static string WriteResults(MachineInfo machine, List<TransfersBench.Result> results, string? resultsDir)
    {
        string root = Directory.GetCurrentDirectory();
        for (var d = new DirectoryInfo(root); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Polis.slnx"))) { root = d.FullName; break; }
        string dir = resultsDir ?? Path.Combine(root, "bench", "results");
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, $"transfers-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
        File.WriteAllText(file, JsonSerializer.Serialize(new { benchmark = "transfers", utc = DateTime.UtcNow, machine, results }, Json));
        return file;
    }
}
