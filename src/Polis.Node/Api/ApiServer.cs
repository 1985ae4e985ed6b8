using Polis.Client.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Polis.Node.Api;

/// <summary>The node's HTTP API (ASP.NET Core minimal APIs, JSON, an OpenAPI document at /openapi/v1.json).</summary>
public static class ApiServer
{
    /// <summary>Request bodies larger than this are refused before they are read (a transaction in hex is ~2× its bytes).</summary>
    public const long RequestBodyBytesMax = 2 * Polis.Core.Limits.TxBytesMax + 4096;

    public static WebApplication Build(PolisNode node, ILoggerFactory logs, Gateway.Gateway? gateway = null)
    {
        var app = CreateApp(node.Config.ApiListen, logs, RequestBodyBytesMax);
        app.MapOpenApi("/openapi/v1.json");
        ChainEndpoints.Map(app, node);
        DeviceEndpoints.Map(app, node);
        TxEndpoints.Map(app, node);
        TxBatchEndpoint.Map(app, node);
        EventEndpoints.Map(app, node);
        MetricsEndpoint.Map(app, node);
        if (gateway is not null) Gateway.GatewayEndpoints.Map(app, gateway);
        return app;
    }

    /// <summary>
    /// An API app listening on <paramref name="url"/> with the house conventions: JSON errors for
    /// exceptions, bad bindings and routing refusals, an OpenAPI document, a default body limit.
    /// </summary>
    internal static WebApplication CreateApp(string url, ILoggerFactory logs, long requestBodyBytesMax)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Polis.Node" });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(logs);
        builder.WebHost.UseUrls(url);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = requestBodyBytesMax);
        builder.Services.AddOpenApi();
        // Binding failures (e.g. ?proof=maybe) throw, so the handler below answers them with a JSON 400.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict);
        var app = builder.Build();
        app.UseExceptionHandler(error => error.Run(async context =>
        {
            var failure = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            // Oversized or unreadable requests are the client's fault; anything else is ours, logged.
            if (failure is BadHttpRequestException bad)
            {
                context.Response.StatusCode = bad.StatusCode;
                await context.Response.WriteAsJsonAsync(new ApiError(bad.Message));
                return;
            }
            logs.CreateLogger("polis.api").LogError(failure, "request failed");
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await context.Response.WriteAsJsonAsync(new ApiError("internal error"));
        }));
        // Routing's own refusals (no such path: 404; a path without that method: 405) get a JSON body too.
        app.UseStatusCodePages(async status =>
        {
            var response = status.HttpContext.Response;
            var request = status.HttpContext.Request;
            string message = response.StatusCode switch
            {
                StatusCodes.Status404NotFound => $"no such endpoint: {request.Method} {request.Path}",
                StatusCodes.Status405MethodNotAllowed => $"{request.Method} is not allowed on {request.Path}",
                _ => $"HTTP {response.StatusCode}",
            };
            await response.WriteAsJsonAsync(new ApiError(message));
        });
        return app;
    }

    internal static IResult BadRequest(string message) => Results.Json(new ApiError(message), statusCode: StatusCodes.Status400BadRequest);
    internal static IResult NotFound(string message) => Results.Json(new ApiError(message), statusCode: StatusCodes.Status404NotFound);

    internal static bool TryParseHeight(string text, out ulong height, out IResult? error)
    {
        error = null;
        if (!ulong.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out height) || height == 0)
        {
            error = BadRequest($"height '{Truncate(text)}' is not a positive integer");
            return false;
        }
        return true;
    }

    internal static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
