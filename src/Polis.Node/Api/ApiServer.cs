using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Polis.Gateway;
using Polis.Modules.Http;

namespace Polis.Node.Api;

/// <summary>
/// The node's HTTP API (ASP.NET Core minimal APIs, JSON, an OpenAPI document at /openapi/v1.json):
/// the chain's own routes, then each module's under <c>/v1/{module}/</c>, then the gateway's when
/// the node hosts one.
/// </summary>
public static class ApiServer
{
    /// <summary>Request bodies larger than this are refused before they are read (a transaction in hex is ~2× its bytes).</summary>
    public const long RequestBodyBytesMax = 2 * Polis.Core.Limits.TxBytesMax + 4096;

    public static WebApplication Build(PolisNode node, ILoggerFactory logs, GatewayService? gateway = null)
    {
        var app = ApiApp.Create(node.Config.ApiListen, logs, RequestBodyBytesMax, "Polis.Node", node.Config.ApiCostlyRequestsPerSecond,
            "Polis node API", "A Polis node: the chain, its state with proofs, transactions, a stream of committed blocks, each city module's queries, and the gateway's when the node runs one. Amounts and heights are JSON integers (64-bit: do not read them as doubles); hashes and keys are lower-case hex; addresses are polis1… text. Every error is {\"error\": message}.");
        app.MapOpenApi("/openapi/v1.json");
        ChainEndpoints.Map(app, node);
        StateEndpoints.Map(app, node);
        TxEndpoints.Map(app, node);
        TxBatchEndpoint.Map(app, node);
        EventEndpoints.Map(app, node);
        MetricsEndpoint.Map(app, node);
        var host = new NodeModuleHost(node);
        foreach (var module in node.Modules)
            module.MapRoutes(app.MapGroup($"/v1/{module.Name}").WithTags(module.Name).WithMetadata(new ApiTagDescription(module.Name, module.RoutesDescription)), host);
        if (gateway is not null) GatewayEndpoints.Map(app, gateway);
        return app;
    }
}
