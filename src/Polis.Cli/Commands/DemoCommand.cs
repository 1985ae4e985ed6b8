using System.CommandLine;
using System.Runtime.InteropServices;
using Polis.Cli.Demo;
using Polis.Devnet.District;
using Polis.Devnet;
using Polis.Client.Config;
using Polis.Node.Config;
using Spectre.Console;
using Polis.Modules.Cli;

namespace Polis.Cli.Commands;

/// <summary>
/// `polis demo`: a devnet whose node0 runs the gateway, plus a simulated district publishing signed
/// readings over MQTT, with a live view that verifies a fresh proof every few seconds.
/// </summary>
public static class DemoCommand
{
    public const int DefaultBasePort = 26700;

    public static Command Create()
    {
        var dir = new Option<string>("--dir") { Description = "directory for the devnet, its genesis, accounts and the district", DefaultValueFactory = _ => ".polis-demo" };
        var basePort = new Option<int>("--base-port") { Description = "node i uses base+2i (P2P) and base+2i+1 (API); MQTT is base+8; stay below 32768", DefaultValueFactory = _ => DefaultBasePort };
        var detach = new Option<bool>("--detach") { Description = "leave the nodes and the district running and return (stop them with `polis devnet down --dir DIR`)" };
        var devices = new Option<int>("--devices") { Description = "simulated devices in the district (on first start)", DefaultValueFactory = _ => 400 };
        var rate = new Option<int>("--rate") { Description = "readings per second the district publishes (on first start)", DefaultValueFactory = _ => 200 };
        var command = new Command("demo", "Run a local devnet with a gateway and a simulated district of signed sensors; Ctrl-C stops everything.")
        {
            dir, basePort, detach, devices, rate,
        };
        command.SetAction((parse, cancel) => Up(parse.GetValue(dir)!, parse.GetValue(basePort), parse.GetValue(detach), parse.GetValue(devices), parse.GetValue(rate)));

        var home = new Option<string>("--home") { Description = "the district's directory (DIR/district)", Required = true };
        var district = new Command("district", "Run the simulated district alone (what `polis demo --detach` starts in the background).") { home };
        district.SetAction((parse, cancel) => District(parse.GetValue(home)!));
        command.Subcommands.Add(district);
        return command;
    }

    private static async Task<int> Up(string dir, int basePort, bool detach, int devices, int rate)
    {
        if (devices is < 1 or > 100_000) return CliOutput.Fail("--devices must be 1..100000", CliOutput.UsageError);
        if (rate is < 1 or > 100_000) return CliOutput.Fail("--rate must be 1..100000", CliOutput.UsageError);
        DevnetManifest manifest;
        try
        {
            if (File.Exists(DevnetManifest.PathIn(dir)))
            {
                manifest = DevnetManifest.Load(dir);
                if (!manifest.Nodes.Any(n => n.IsDistrict)) return CliOutput.Fail($"{dir} holds a devnet without a district: use `polis devnet up --dir {dir}`, or another --dir for the demo");
                if (manifest.StaleReason(dir) is { } stale) return CliOutput.Fail(stale.Replace("the devnet in", "the demo in"));
                if (DevnetCommand.AnyRunning(manifest)) return CliOutput.Fail($"the demo in {dir} is already running (polis devnet down --dir {dir})");
                AnsiConsole.MarkupLine($"restarting the demo in [bold]{Markup.Escape(Path.GetFullPath(dir))}[/]");
            }
            else
            {
                manifest = DemoLayout.Create(dir, basePort, devices, rate);
                AnsiConsole.MarkupLine($"created a demo devnet of {DemoLayout.Validators} validators and {devices} devices in [bold]{Markup.Escape(Path.GetFullPath(dir))}[/]");
            }
        }
        catch (Exception e) when (e is IOException or FormatException or ArgumentOutOfRangeException or UnauthorizedAccessException)
        {
            return CliOutput.Fail(e.Message);
        }
        if (detach)
        {
            DevnetCommand.StartMembers(manifest, dir, detach: true, _ => true);
            AnsiConsole.MarkupLine($"running in the background; stop with [bold]polis devnet down --dir {Markup.Escape(dir)}[/]");
            return 0;
        }

        DevnetCommand.StartMembers(manifest, dir, detach: false, n => !n.IsDistrict);
        using var stop = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        string districtHome = manifest.Nodes.First(n => n.IsDistrict).Home;
        var district = DistrictFile.Load(districtHome);
        var genesis = GenesisFile.Load(manifest.Genesis);
        var stats = new DistrictStats();
        var dashboard = new DemoDashboard(district, genesis, stats);
        var simulation = Task.Run(() => DistrictRunner.RunAsync(districtHome, stats, dashboard.Log, stop.Token));
        var watch = simulation.ContinueWith(t =>
        {
            if (t.IsFaulted) dashboard.Log($"district stopped: {t.Exception!.GetBaseException().Message}");
        }, TaskScheduler.Default);
        await dashboard.RunAsync(stop.Token);
        await watch;
        AnsiConsole.MarkupLine("stopping the nodes…");
        DevnetCommand.StopAll(manifest, dir);
        return 0;
    }

    private static async Task<int> District(string home)
    {
        using var stop = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        var stats = new DistrictStats();
        var report = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(10_000, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                Console.WriteLine($"{DateTime.Now:HH:mm:ss} published {stats.Published}, accepted {stats.Accepted}, rejected {stats.Rejected}");
            }
        });
        try
        {
            await DistrictRunner.RunAsync(home, stats, line => Console.WriteLine($"{DateTime.Now:HH:mm:ss} {line}"), stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidOperationException or Polis.Client.Api.NodeApiException)
        {
            return CliOutput.Fail(e.Message);
        }
        await report;
        return 0;
    }
}
