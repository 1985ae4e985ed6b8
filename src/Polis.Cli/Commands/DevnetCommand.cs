using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Polis.Client.Api;
using Polis.Devnet;
using Spectre.Console;
using Polis.Modules.Cli;

namespace Polis.Cli.Commands;

/// <summary>`polis devnet up|down`: a local network of validators as separate processes on 127.0.0.1.</summary>
public static class DevnetCommand
{
    public const int DefaultBasePort = 26600;

    public static Command Create()
    {
        var validators = new Option<int>("--validators") { Description = "number of validators (1-64)", DefaultValueFactory = _ => 4 };
        var dir = new Option<string>("--dir") { Description = "directory for the devnet's homes, genesis and accounts", DefaultValueFactory = _ => ".polis-devnet" };
        var basePort = new Option<int>("--base-port") { Description = "node i uses base+2i (P2P) and base+2i+1 (API); stay below 32768, where outgoing connections take their ports", DefaultValueFactory = _ => DefaultBasePort };
        var accounts = new Option<int>("--accounts") { Description = "funded test accounts (key files under DIR/accounts)", DefaultValueFactory = _ => 8 };
        var detach = new Option<bool>("--detach") { Description = "leave the nodes running and return (stop them with `polis devnet down`)" };
        var up = new Command("up", "Create (or restart) a local devnet and run it; Ctrl-C stops every node cleanly.") { validators, dir, basePort, accounts, detach };
        up.SetAction((parse, cancel) => Up(parse.GetValue(dir)!, parse.GetValue(validators), parse.GetValue(basePort), parse.GetValue(accounts), parse.GetValue(detach)));

        var downDir = new Option<string>("--dir") { Description = "the devnet's directory", DefaultValueFactory = _ => ".polis-devnet" };
        var down = new Command("down", "Stop a devnet's nodes (SIGTERM, then SIGKILL after 10 s).") { downDir };
        down.SetAction(parse => Down(parse.GetValue(downDir)!));
        return new Command("devnet", "A local network of validators.") { up, down };
    }

    private static async Task<int> Up(string dir, int validators, int basePort, int accounts, bool detach)
    {
        if (validators is < 1 or > 64) return CliOutput.Fail("--validators must be 1..64", CliOutput.UsageError);
        if (accounts is < 0 or > 10_000) return CliOutput.Fail("--accounts must be 0..10000", CliOutput.UsageError);
        DevnetManifest manifest;
        try
        {
            if (File.Exists(DevnetManifest.PathIn(dir)))
            {
                manifest = DevnetManifest.Load(dir);
                if (manifest.StaleReason(dir) is { } stale) return CliOutput.Fail(stale);
                if (AnyRunning(manifest)) return CliOutput.Fail($"the devnet in {dir} is already running (polis devnet down --dir {dir})");
                AnsiConsole.MarkupLine($"restarting the devnet in [bold]{Markup.Escape(Path.GetFullPath(dir))}[/]");
            }
            else
            {
                manifest = DevnetLayout.Create(dir, validators, basePort, accounts);
                AnsiConsole.MarkupLine($"created a devnet of {validators} validators in [bold]{Markup.Escape(Path.GetFullPath(dir))}[/]");
            }
        }
        catch (Exception e) when (e is IOException or FormatException or ArgumentOutOfRangeException or UnauthorizedAccessException)
        {
            return CliOutput.Fail(e.Message);
        }
        StartMembers(manifest, dir, detach, _ => true);
        AnsiConsole.MarkupLine($"manifest: {Markup.Escape(DevnetManifest.PathIn(dir))}; logs: HOME/node.log; accounts: {Markup.Escape(Path.Combine(Path.GetFullPath(dir), "accounts"))}");
        if (detach)
        {
            AnsiConsole.MarkupLine($"running in the background; stop with [bold]polis devnet down --dir {Markup.Escape(dir)}[/]");
            return 0;
        }
        using var stop = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        await Watch(manifest, stop.Token);
        AnsiConsole.MarkupLine("stopping the nodes…");
        StopAll(manifest, dir);
        return 0;
    }

    /// <summary>Starts the manifest's members that <paramref name="include"/> selects, records their pids and prints them.</summary>
    internal static void StartMembers(DevnetManifest manifest, string dir, bool detach, Func<DevnetManifest.DevnetNode, bool> include)
    {
        foreach (var node in manifest.Nodes.Where(include))
        {
            using var process = NodeProcess.Start(node.Home, detach, command: node.Command);
            node.Pid = process.Id;
        }
        manifest.Save(dir);
        var table = new Table().AddColumns("member", "API", "P2P", "pid");
        foreach (var node in manifest.Nodes.Where(n => n.Pid is not null)) table.AddRow(node.Name, node.Api, node.P2P, node.Pid.ToString()!);
        AnsiConsole.Write(table);
    }

    /// <summary>True when a member of the devnet in <paramref name="manifest"/> still runs.</summary>
    internal static bool AnyRunning(DevnetManifest manifest) => manifest.Nodes.Any(n => n.Pid is { } pid && IsRunning(pid) && NodeProcess.IsNodeOf(pid, n.Home));

    /// <summary>A live table of every node's height, round, peers and mempool, until cancelled.</summary>
    private static async Task Watch(DevnetManifest manifest, CancellationToken cancel)
    {
        var nodes = manifest.Nodes.Where(n => !n.IsDistrict).ToList();
        var apis = nodes.Select(n => new NodeClient(n.Api, TimeSpan.FromSeconds(1))).ToList();
        try
        {
            var table = new Table().AddColumns("node", "height", "block", "round", "peers", "mempool", "state");
            await AnsiConsole.Live(table).StartAsync(async live =>
            {
                while (!cancel.IsCancellationRequested)
                {
                    table.Rows.Clear();
                    for (int i = 0; i < apis.Count; i++)
                    {
                        try
                        {
                            var s = await apis[i].GetJsonAsync("v1/status", cancel);
                            table.AddRow(nodes[i].Name, s.GetProperty("height").ToString(), s.GetProperty("latestBlockId").GetString()![..12],
                                s.GetProperty("round").ToString(), s.GetProperty("peers").GetArrayLength().ToString(), s.GetProperty("mempoolSize").ToString(),
                                s.GetProperty("syncing").GetBoolean() ? "[yellow]syncing[/]" : "[green]up[/]");
                        }
                        catch (Exception e) when (e is NodeApiException or OperationCanceledException)
                        {
                            table.AddRow(nodes[i].Name, "-", "-", "-", "-", "-", "[red]down[/]");
                        }
                    }
                    table.Caption($"Ctrl-C stops all nodes · {DateTime.Now:HH:mm:ss}");
                    live.Refresh();
                    try { await Task.Delay(1000, cancel); } catch (OperationCanceledException) { }
                }
            });
        }
        finally
        {
            foreach (var api in apis) api.Dispose();
        }
    }

    private static int Down(string dir)
    {
        DevnetManifest manifest;
        try { manifest = DevnetManifest.Load(dir); }
        catch (Exception e) when (e is IOException or FormatException) { return CliOutput.Fail(e.Message); }
        int stopped = StopAll(manifest, dir);
        Console.WriteLine($"stopped {stopped} node(s)");
        return 0;
    }

    internal static int StopAll(DevnetManifest manifest, string dir)
    {
        var tasks = manifest.Nodes.Where(n => n.Pid is not null)
            .Select(n => Task.Run(() => NodeProcess.Stop(n.Pid!.Value, n.Home, TimeSpan.FromSeconds(10)))).ToArray();
        Task.WaitAll(tasks);
        foreach (var node in manifest.Nodes) node.Pid = null;
        manifest.Save(dir);
        return tasks.Count(t => t.Result);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
