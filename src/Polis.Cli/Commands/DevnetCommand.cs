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
        var down = new Command("down", "Stop every node of a devnet, however it was started (SIGTERM, then SIGKILL after 10 s).") { downDir };
        down.SetAction(parse => Down(parse.GetValue(downDir)!));

        var memberDir = new Option<string>("--dir") { Description = "the devnet's directory (the demo's: .polis-demo)", DefaultValueFactory = _ => ".polis-devnet" };
        var member = new Argument<string>("node") { Description = "the member's name in devnet.json (node0, node1, …, district)" };
        var stop = new Command("stop", "Stop one member of a devnet (SIGTERM, then SIGKILL after 10 s).") { member, memberDir };
        stop.SetAction(parse => StopMember(parse.GetValue(memberDir)!, parse.GetValue(member)!));
        var restart = new Command("restart", "Stop one member of a devnet if it runs, then start it in the background on its home.") { member, memberDir };
        restart.SetAction(parse => RestartMember(parse.GetValue(memberDir)!, parse.GetValue(member)!));
        return new Command("devnet", "A local network of validators.") { up, down, stop, restart };
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

    /// <summary>True when a member of the devnet in <paramref name="manifest"/> still runs, however it was started.</summary>
    internal static bool AnyRunning(DevnetManifest manifest) => manifest.Nodes.Any(n => NodeProcess.RunningPid(n.Home, n.Pid) is not null);

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

    /// <summary>Stops every member that runs (the pid the devnet recorded, or the one a node started by hand recorded in its home); returns how many stopped.</summary>
    internal static int StopAll(DevnetManifest manifest, string dir)
    {
        var tasks = manifest.Nodes.Select(n => (Node: n, Pid: NodeProcess.RunningPid(n.Home, n.Pid))).Where(r => r.Pid is not null)
            .Select(r => Task.Run(() => NodeProcess.Stop(r.Pid!.Value, r.Node.Home, TimeSpan.FromSeconds(10)))).ToArray();
        Task.WaitAll(tasks);
        foreach (var node in manifest.Nodes) node.Pid = null;
        manifest.Save(dir);
        return tasks.Count(t => t.Result);
    }

    private static int StopMember(string dir, string name)
    {
        if (!TryLoadMember(dir, name, out var manifest, out var node, out int failure)) return failure;
        bool stopped = NodeProcess.RunningPid(node!.Home, node.Pid) is int pid && NodeProcess.Stop(pid, node.Home, TimeSpan.FromSeconds(10));
        node.Pid = null;
        manifest!.Save(dir);
        Console.WriteLine(stopped ? $"stopped {name}" : $"{name} was not running");
        return 0;
    }

    private static int RestartMember(string dir, string name)
    {
        if (!TryLoadMember(dir, name, out var manifest, out var node, out int failure)) return failure;
        if (manifest!.StaleReason(dir) is { } stale) return CliOutput.Fail(stale);
        if (NodeProcess.RunningPid(node!.Home, node.Pid) is int pid) NodeProcess.Stop(pid, node.Home, TimeSpan.FromSeconds(10));
        using var process = NodeProcess.Start(node.Home, detach: true, command: node.Command);
        node.Pid = process.Id;
        manifest.Save(dir);
        Console.WriteLine($"restarted {name} (pid {process.Id}); log: {Path.Combine(node.Home, "node.log")}");
        return 0;
    }

    private static bool TryLoadMember(string dir, string name, out DevnetManifest? manifest, out DevnetManifest.DevnetNode? node, out int failure)
    {
        (manifest, node, failure) = (null, null, 0);
        try { manifest = DevnetManifest.Load(dir); }
        catch (Exception e) when (e is IOException or FormatException)
        {
            failure = CliOutput.Fail(e.Message);
            return false;
        }
        node = manifest.Nodes.FirstOrDefault(n => n.Name == name);
        if (node is null)
        {
            failure = CliOutput.Fail($"no member '{name}' in {DevnetManifest.PathIn(dir)}: it has {string.Join(", ", manifest.Nodes.Select(n => n.Name))}", CliOutput.UsageError);
            return false;
        }
        return true;
    }
}
