using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Prometheus;

namespace Polis.Node.Api;

/// <summary><c>GET /metrics</c> in the Prometheus text format.</summary>
internal static class MetricsEndpoint
{
    public static void Map(WebApplication app, PolisNode node)
    {
        app.MapGet("/metrics", async (HttpContext context) =>
        {
            var m = node.Metrics;
            m.Peers.Set(node.Network.Peers.Count);
            m.MempoolSize.Set(node.Mempool.Count);
            foreach (var (reason, count) in node.Network.Metrics.DisconnectsByReason()) m.PeerDisconnects.WithLabels(reason).IncTo(count);
            m.HandshakesRefused.WithLabels("address").IncTo(node.Network.Metrics.HandshakesRefusedByAddress);
            m.HandshakesRefused.WithLabels("full").IncTo(node.Network.Metrics.HandshakesRefusedFull);
            context.Response.ContentType = PrometheusConstants.ExporterContentTypeValue.ToString();
            await m.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
        }).ExcludeFromDescription();
    }
}
