using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Polis.Node;
using Polis.Node.Storage;
using Polis.Client.Config;
using Polis.Node.Config;
using Polis.City;
using Polis.Modules.Cli;
using Polis.Consensus.Wal;
using Polis.Modules;

namespace Polis.Cli.Commands;

/// <summary>`polis node run --home DIR`: runs a node in the foreground until Ctrl-C or SIGTERM.</summary>
public static class NodeCommand
{
    public static Command Create()
    {
        var home = new Option<string>("--home") { Description = "the node's home directory (from `polis init`)", Required = true };
        var run = new Command("run", "Run the node until Ctrl-C or SIGTERM.") { home };
        run.SetAction(async (parse, _) =>
        {
            var nodeHome = new NodeHome(parse.GetValue(home)!);
            using var stop = new CancellationTokenSource();
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
            using var logs = LoggerFactory.Create(b => b
                .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; o.UseUtcTimestamp = true; })
                .SetMinimumLevel(Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("POLIS_LOG_LEVEL"), true, out var level) ? level : LogLevel.Information)
                .AddFilter("Microsoft", LogLevel.Warning));
            try
            {
                return await NodeHost.RunAsync(nodeHome, CityModules.Create(), logs, stop.Token);
            }
            catch (Exception e) when (e is FormatException or IOException or InvalidDataException or RocksDbSharp.RocksDbException)
            {
                return CliOutput.Fail(e.Message);
            }
            catch (WalCorruptException e)
            {
                return CliOutput.Fail($"{e.Message} (polis node wal-recover --home {nodeHome.Directory})");
            }
            catch (System.Net.Sockets.SocketException e)
            {
                return CliOutput.Fail($"cannot listen for peers on {NodeConfig.Load(nodeHome.ConfigPath).P2PListen}: {e.Message}");
            }
        });
        return new Command("node", "Run a Polis node.") { run, WalRecover(home) };
    }

    /// <summary>`polis node wal-recover --home DIR [--sign-above-height H]`: what to run after the node refused a damaged consensus journal.</summary>
    private static Command WalRecover(Option<string> home)
    {
        var floor = new Option<ulong?>("--sign-above-height")
        {
            Description = "when neither the WAL nor the double-sign guard can be trusted: the chain's latest committed height (polis status on a healthy node) plus one; this validator signs nothing at or below it, or below a signature the journal still shows",
        };
        var command = new Command("wal-recover", "After the node refused a damaged consensus journal and the disk was checked: set the WAL aside, or rebuild the double-sign guard, keeping the double-sign guarantee.")
        {
            home, floor,
        };
        command.SetAction(parse =>
        {
            var nodeHome = new NodeHome(parse.GetValue(home)!);
            try
            {
                var config = NodeConfig.Load(nodeHome.ConfigPath);
                var genesis = GenesisFile.Load(nodeHome.Resolve(config.GenesisFile)).ToGenesis(CityModules.Create());
                if (!Directory.Exists(nodeHome.WalDirectory)) return CliOutput.Fail($"no consensus journal at {nodeHome.WalDirectory} (an observer, or a node never started)");
                // The store's height too: this validator may have signed at the height after its last commit.
                ulong committed = NodeLedger.CommittedHeightAt(nodeHome.DataDirectory);
                var outcome = JournalRepair.Run(new FileWalDirectory(nodeHome.WalDirectory), genesis.Id, parse.GetValue(floor), committed);
                Console.WriteLine(outcome.Done);
                return 0;
            }
            catch (Exception e) when (e is WalCorruptException or FormatException or IOException or UnauthorizedAccessException or ArgumentOutOfRangeException or RocksDbSharp.RocksDbException)
            {
                return CliOutput.Fail(e.Message);
            }
        });
        return command;
    }
}
