using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Polis.Modules.Http;
using Prometheus;

namespace Polis.Node.Api;

/// <summary><c>GET /metrics</c> in the Prometheus text format.</summary>
internal static class MetricsEndpoint
{
    public static readonly Polis.Modules.Http.ApiTagDescription Tag = new("metrics", "The node's metrics for Prometheus.");

    public static void Map(WebApplication app, PolisNode node)
    {
        app.MapGet("/metrics", (Delegate)(async (HttpContext context) =>
        {
            var m = node.Metrics;
            m.Peers.Set(node.Network.Peers.Count);
            m.MempoolSize.Set(node.Mempool.Count);
            foreach (var (reason, count) in node.Network.Metrics.DisconnectsByReason()) m.PeerDisconnects.WithLabels(reason).IncTo(count);
            m.HandshakesRefused.WithLabels("address").IncTo(node.Network.Metrics.HandshakesRefusedByAddress);
            m.HandshakesRefused.WithLabels("full").IncTo(node.Network.Metrics.HandshakesRefusedFull);
            context.Response.ContentType = PrometheusConstants.ExporterContentTypeValue.ToString();
            await m.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
        })).Describe("metrics", Tag, "Prometheus metrics", "The node's metrics in the Prometheus text format (docs/operations.md lists them). Keep it off the public network.")
            .Produces(StatusCodes.Status200OK, contentType: "text/plain");
    }
}
