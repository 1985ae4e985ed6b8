using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Polis.Node.Api;
using Polis.Node.Config;

namespace Polis.Node;

/// <summary>Runs a node with its HTTP API until cancelled (Ctrl-C, SIGTERM), then stops both cleanly.</summary>
public static class NodeHost
{
    public static async Task<int> RunAsync(NodeHome home, ILoggerFactory logs, CancellationToken cancel)
    {
        var log = logs.CreateLogger("polis");
        await using var node = PolisNode.Open(home, logs);
        await node.StartAsync();
        await using var api = ApiServer.Build(node, logs);
        await api.StartAsync(cancel);
        log.LogInformation("node {Moniker}: API on {Api}, P2P on port {Port}, node id {NodeId}", node.Config.Moniker, node.Config.ApiListen, node.P2PPort, node.NodeId);
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
        }
        return 0;
    }
}
