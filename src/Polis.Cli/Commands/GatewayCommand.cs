using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Polis.Gateway;
using Polis.Modules.Cli;

namespace Polis.Cli.Commands;

/// <summary>`polis gateway run --config FILE`: a standalone gateway against a node's API, until Ctrl-C or SIGTERM.</summary>
public static class GatewayCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "the gateway's config file (JSON: id, accountKeyFile, nodeUrl, apiListen, mqttListen or mqttBroker, …)", Required = true };
        var run = new Command("run", "Run a standalone gateway until Ctrl-C or SIGTERM.") { config };
        run.SetAction(async (parse, _) =>
        {
            using var stop = new CancellationTokenSource();
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
            using var logs = LoggerFactory.Create(b => b
                .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; o.UseUtcTimestamp = true; })
                .SetMinimumLevel(Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("POLIS_LOG_LEVEL"), true, out var level) ? level : LogLevel.Information)
                .AddFilter("Microsoft", LogLevel.Warning));
            try
            {
                return await GatewayHost.RunStandaloneAsync(parse.GetValue(config)!, logs, stop.Token);
            }
            catch (Exception e) when (e is FormatException or IOException or InvalidDataException or RocksDbSharp.RocksDbException or System.Net.Sockets.SocketException)
            {
                return CliOutput.Fail(e.Message);
            }
        });
        return new Command("gateway", "Run a reading gateway (MQTT and HTTP ingress, batch anchoring, proofs).") { run };
    }
}
