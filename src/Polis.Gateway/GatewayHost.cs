using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Polis.Client.Api;
using Prometheus;
using Polis.Modules.Http;

namespace Polis.Gateway;

/// <summary>
/// Runs a gateway standalone against a node's API with its own HTTP API and <c>/metrics</c>
/// (<see cref="RunStandaloneAsync"/>); a node that hosts one in-process opens it itself.
/// </summary>
public static class GatewayHost
{
    /// <summary>A URL this process can call for a listen URL (a wildcard host becomes 127.0.0.1).</summary>
    public static string LocalUrl(string listenUrl)
    {
        var uri = new UriBuilder(listenUrl);
        if (uri.Host is "0.0.0.0" or "*" or "+" or "[::]" or "::") uri.Host = "127.0.0.1";
        return uri.Uri.ToString().TrimEnd('/');
    }

    /// <summary>`polis gateway run --config FILE`: until cancelled; 0 on a clean stop.</summary>
    public static async Task<int> RunStandaloneAsync(string configPath, ILoggerFactory logs, CancellationToken cancel)
    {
        var log = logs.CreateLogger("polis.gateway");
        var config = GatewayConfig.Load(configPath);
        string baseDirectory = Path.GetDirectoryName(Path.GetFullPath(configPath))!;
        string? chainId = await ChainIdAsync(config.NodeUrl!, log, cancel);
        if (chainId is null) return 0;
        var registry = Prometheus.Metrics.NewCustomRegistry();
        await using var gateway = GatewayService.Open(config, baseDirectory, chainId, config.NodeUrl!, registry, logs);
        var app = ApiApp.Create(config.ApiListen, logs, ReadingsRequest.BodyBytesMax, "Polis.Gateway", config.ApiCostlyRequestsPerSecond,
            "Polis gateway API", "A standalone Polis gateway: devices' signed readings in, anchored on chain in Merkle batches, each reading's proof out. Every error is {\"error\": message}.");
        app.MapOpenApi("/openapi/v1.json");
        GatewayEndpoints.Map(app, gateway);
        app.MapGet("/metrics", (Delegate)(async (HttpContext context) =>
        {
            context.Response.ContentType = PrometheusConstants.ExporterContentTypeValue.ToString();
            await registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
        })).Describe("metrics", new ApiTagDescription("metrics", "The gateway's metrics for Prometheus."), "Prometheus metrics", "The gateway's metrics in the Prometheus text format.")
            .Produces(StatusCodes.Status200OK, contentType: "text/plain");
        await using (app)
        {
            await app.StartAsync(cancel);
            await gateway.StartAsync();
            log.LogInformation("gateway '{Id}' for chain {Chain}: API on {Api}, anchoring through {Node}", config.Id, chainId, config.ApiListen, config.NodeUrl);
            try
            {
                await Task.Delay(Timeout.Infinite, cancel);
            }
            catch (OperationCanceledException)
            {
                log.LogInformation("stopping");
            }
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await app.StopAsync(grace.Token);
        }
        return 0;
    }

    /// <summary>The node's chain id; waits for the node to answer (null when cancelled first).</summary>
    private static async Task<string?> ChainIdAsync(string nodeUrl, ILogger log, CancellationToken cancel)
    {
        using var node = new NodeClient(nodeUrl);
        bool warned = false;
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                return (await node.StatusAsync(cancel)).ChainId;
            }
            catch (NodeApiException e)
            {
                if (!warned) log.LogWarning("gateway: waiting for the node at {Url} ({Message})", nodeUrl, e.Message);
                warned = true;
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            try { await Task.Delay(TimeSpan.FromSeconds(1), cancel); }
            catch (OperationCanceledException) { return null; }
        }
        return null;
    }
}
