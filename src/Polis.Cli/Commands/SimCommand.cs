using System.CommandLine;
using Polis.Simulation;
using Spectre.Console;

namespace Polis.Cli.Commands;

/// <summary>`polis sim`: one seeded simulation (or a sweep of seeds) with a readable summary; non-zero exit if a checker fails.</summary>
public static class SimCommand
{
    public static Command Create()
    {
        var validators = new Option<int>("--validators") { Description = "number of validators (1-64)", DefaultValueFactory = _ => 4 };
        var heights = new Option<ulong>("--heights") { Description = "height every honest validator must reach", DefaultValueFactory = _ => 100 };
        var seed = new Option<int>("--seed") { Description = "seed of the run (the same seed replays exactly)", DefaultValueFactory = _ => 7 };
        var scenario = new Option<Scenario>("--scenario") { Description = "fault mix: " + string.Join(", ", Enum.GetNames<Scenario>()), DefaultValueFactory = _ => Scenario.Mixed };
        var runs = new Option<int>("--runs") { Description = "run this many consecutive seeds starting at --seed", DefaultValueFactory = _ => 1 };
        var replay = new Option<string?>("--replay") { Description = "every option of one run as JSON, as a failing run prints it (the other options are then ignored)" };
        var command = new Command("sim", "Run the deterministic simulator: n validators, virtual time, a seeded faulty network, checkers on every run.")
        {
            validators, heights, seed, scenario, runs, replay,
        };
        command.SetAction(parse => parse.GetValue(replay) is { } json
            ? Replay(json)
            : Run(parse.GetValue(validators), parse.GetValue(heights), parse.GetValue(seed), parse.GetValue(scenario), parse.GetValue(runs)));
        return command;
    }

    private static int Run(int validators, ulong heights, int seed, Scenario scenario, int runs)
    {
        if (validators < 1 || validators > 64) return Fail("--validators must be between 1 and 64");
        if (heights < 1 || heights > 100_000) return Fail("--heights must be between 1 and 100000");
        if (runs < 1 || runs > 100_000) return Fail("--runs must be between 1 and 100000");
        int failed = 0;
        for (int i = 0; i < runs; i++)
        {
            var options = ScenarioBuilder.Build(scenario, validators, heights, seed + i);
            if (Environment.GetEnvironmentVariable("POLIS_SIM_TRACE") == "1") options = options with { Trace = Console.Error.WriteLine };
            var started = System.Diagnostics.Stopwatch.StartNew();
            var result = SimulationRunner.Run(options);
            if (runs == 1) PrintSummary(result, started.Elapsed);
            else AnsiConsole.MarkupLine($"seed {options.Seed,6}: {(result.Passed ? "[green]ok[/]" : "[red]FAILED[/]")}  heights {result.HeightsDecided}, {result.VirtualTimeMs / 1000.0:F1} s virtual");
            if (!result.Passed)
            {
                failed++;
                if (runs > 1) PrintViolations(result);
            }
        }
        if (runs > 1) AnsiConsole.MarkupLine(failed == 0 ? $"[green]{runs} runs, all checkers passed[/]" : $"[red]{failed} of {runs} runs failed[/]");
        return failed == 0 ? 0 : 1;
    }

    private static int Replay(string json)
    {
        SimulationOptions options;
        try
        {
            options = SimulationReplay.FromJson(json);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or NotSupportedException)
        {
            return Fail($"--replay: {e.Message}");
        }
        if (options.Mutation is not null)
            return Fail($"the run carries the mutation {options.Mutation}, which lives in the simulator's tests: {SimulationReplay.Command(options)}");
        if (Environment.GetEnvironmentVariable("POLIS_SIM_TRACE") == "1") options = options with { Trace = Console.Error.WriteLine };
        var started = System.Diagnostics.Stopwatch.StartNew();
        SimulationResult result;
        try
        {
            result = SimulationRunner.Run(options);
        }
        catch (ArgumentException e)
        {
            return Fail($"--replay: {e.Message}");
        }
        PrintSummary(result, started.Elapsed);
        return result.Passed ? 0 : 1;
    }

    private static void PrintSummary(SimulationResult r, TimeSpan wall)
    {
        var o = r.Options;
        AnsiConsole.MarkupLine($"[bold]polis sim[/]  scenario [yellow]{o.Scenario}[/], {o.Validators} validators (f = {o.F}), target height {o.Heights}, seed {o.Seed}");
        var faults = new List<string>();
        foreach (var (v, b) in o.Byzantine) faults.Add($"v{v} {b}");
        if (o.Crashes > 0) faults.Add($"{o.Crashes} crash/restart");
        if (o.Partitions > 0) faults.Add($"{o.Partitions} partition(s)");
        if (o.DropRate > 0) faults.Add($"drop {o.DropRate:P0}");
        if (o.DuplicateRate > 0) faults.Add($"duplicate {o.DuplicateRate:P0}");
        if (o.SplitBrain) faults.Add("permanent split brain");
        AnsiConsole.MarkupLine($"faults: {(faults.Count == 0 ? "none (delays and reordering only)" : Markup.Escape(string.Join(", ", faults)))}");

        var table = new Table().AddColumns("node", "honest", "height");
        foreach (var (node, height, honest) in r.Nodes) table.AddRow(Markup.Escape(node), honest ? "yes" : "[red]no[/]", height.ToString());
        AnsiConsole.Write(table);

        var stats = new Table().AddColumns("measure", "value");
        stats.AddRow("virtual time", $"{r.VirtualTimeMs / 1000.0:F1} s");
        stats.AddRow("wall time", $"{wall.TotalMilliseconds:F0} ms");
        stats.AddRow("heights decided", r.HeightsDecided.ToString());
        stats.AddRow("transactions committed", r.TransactionsCommitted.ToString());
        stats.AddRow("mean / max commit round", $"{r.MeanCommitRound:F2} / {r.MaxRound}");
        stats.AddRow("messages sent / dropped / duplicated", $"{r.MessagesSent} / {r.MessagesDropped} / {r.MessagesDuplicated}");
        stats.AddRow("honest signatures checked for double-signing", r.SignaturesChecked.ToString());
        stats.AddRow("equivocation evidence reported / committed in blocks", $"{r.EvidenceReported} / {r.EvidenceCommitted}");
        stats.AddRow("crashes", r.Crashes.ToString());
        stats.AddRow("journal: refused at restart / problems reported", $"{r.JournalRefusals} / {r.JournalWarnings}");
        AnsiConsole.Write(stats);

        if (r.Passed) AnsiConsole.MarkupLine("[green]checkers: agreement, validity, no double-signing, progress, conservation of CITY: all passed[/]");
        else PrintViolations(r);
    }

    private static void PrintViolations(SimulationResult r)
    {
        foreach (var v in r.Violations.Take(10)) AnsiConsole.MarkupLine($"[red]{Markup.Escape(v.ToString())}[/]");
        foreach (var state in r.NodeStates) AnsiConsole.MarkupLine($"  {Markup.Escape(state)}");
        AnsiConsole.MarkupLine($"replay: [bold]{Markup.Escape(r.ReplayCommand)}[/]");
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine("error: " + message);
        return 2;
    }
}
