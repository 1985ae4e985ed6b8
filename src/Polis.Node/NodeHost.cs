using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Polis.Node.Api;
using Polis.Client.Config;
using Polis.Node.Config;
using Polis.Gateway;

namespace Polis.Node;

/// <summary>
/// Runs a node with its HTTP API (and its gateway, when the config enables one) until cancelled
/// (Ctrl-C, SIGTERM), then stops them cleanly: API first, then the gateway (which writes what it
/// has queued and closes its store), then the node.
/// </summary>
public static class NodeHost
{
    public static async Task<int> RunAsync(NodeHome home, IReadOnlyList<Polis.Modules.CityModule> modules, ILoggerFactory logs, CancellationToken cancel)
    {
        var log = logs.CreateLogger("polis");
        await using var node = PolisNode.Open(home, modules, logs);
        // However the node was started (a devnet, the demo, by hand), `polis devnet down` finds it by this file.
        using var pidFile = PidFile.Write(home.Directory);
        await node.StartAsync();
        // Opened before the API is built (its endpoints are mapped there), started once the API is up: it anchors through it.
        await using var gateway = OpenGateway(node, home.Directory, logs);
        await using var api = ApiServer.Build(node, logs, gateway);
        await api.StartAsync(cancel);
        log.LogInformation("node {Moniker}: API on {Api}, P2P on port {Port}, node id {NodeId}", node.Config.Moniker, node.Config.ApiListen, node.P2PPort, node.NodeId);
        if (gateway is not null) await gateway.StartAsync();
        try
        {
            await node.Completion.WaitAsync(cancel);
            log.LogCritical("node loop ended unexpectedly");
            return 1;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            log.LogInformation("stopping");
        }
        catch (Exception e)
        {
            log.LogCritical(e, "node failed");
            return 1;
        }
        finally
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await api.StopAsync(grace.Token);
            if (gateway is not null) await gateway.DisposeAsync();
        }
        return 0;
    }

    /// <summary>The gateway of a node whose config enables one, else null. It anchors through the node's own API unless nodeUrl says otherwise.</summary>
    public static GatewayService? OpenGateway(PolisNode node, string homeDirectory, ILoggerFactory logs)
    {
        if (node.Config.Gateway is not { Enabled: true } config) return null;
        string nodeUrl = config.NodeUrl ?? GatewayHost.LocalUrl(node.Config.ApiListen);
        return GatewayService.Open(config, homeDirectory, node.ChainId, nodeUrl, node.Metrics.Registry, logs);
    }
}
