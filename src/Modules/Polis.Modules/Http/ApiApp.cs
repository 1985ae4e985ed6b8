using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polis.Client.Api;

namespace Polis.Modules.Http;

/// <summary>
/// An HTTP API app with the house conventions, shared by the node and a standalone gateway: JSON
/// errors for exceptions, bad bindings and routing refusals; an OpenAPI document; a body limit;
/// a per-address rate limit on the routes that cost the most to answer (<see cref="CostlyPolicy"/>).
/// </summary>
public static class ApiApp
{
    /// <summary>
    /// The rate-limit policy of routes that read much per request (listings, proofs, raw state):
    /// a token bucket per client address (IPv6 by /64) of a second's worth of requests, refilled
    /// every second; past it, 429 with a JSON error. Cheap routes are not limited.
    /// </summary>
    public const string CostlyPolicy = "costly";
    /// <summary>The same limit, only for requests that ask for a state proof (<c>?proof=true</c>): a plain record read (a gateway's key lookup) stays cheap and free.</summary>
    public const string ProofPolicy = "proof";
    public const int CostlyRequestsPerSecondDefault = 50;

    /// <summary>The app on <paramref name="url"/>, logging to <paramref name="logs"/>, taking bodies up to <paramref name="requestBodyBytesMax"/>, named <paramref name="applicationName"/>, allowing <paramref name="costlyRequestsPerSecond"/> requests per second per client address on <see cref="CostlyPolicy"/> routes.</summary>
    public static WebApplication Create(string url, ILoggerFactory logs, long requestBodyBytesMax, string applicationName, int costlyRequestsPerSecond = CostlyRequestsPerSecondDefault,
        string title = "Polis API", string description = "")
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = applicationName });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(logs);
        builder.WebHost.UseUrls(url);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = requestBodyBytesMax);
        builder.Services.AddOpenApi(o => ApiContract.Configure(o, title, description));
        // Binding failures (e.g. ?proof=maybe) throw, so the handler below answers them with a JSON 400.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict);
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, cancel) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
                await context.HttpContext.Response.WriteAsJsonAsync(
                    new ApiError($"too many requests to this endpoint from your address (at most {costlyRequestsPerSecond} a second); retry shortly"), cancel);
            };
            var bucket = new System.Threading.RateLimiting.TokenBucketRateLimiterOptions
            {
                TokenLimit = costlyRequestsPerSecond,
                TokensPerPeriod = costlyRequestsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            };
            // Each policy keeps a bucket per client address. Loopback is not limited: it is the node's
            // own neighbours (a gateway in the node assembling proofs, the CLI); a reverse proxy on
            // the same host must limit its clients itself (docs/operations.md).
            o.AddPolicy(CostlyPolicy, context => IsLoopback(context)
                ? System.Threading.RateLimiting.RateLimitPartition.GetNoLimiter("")
                : System.Threading.RateLimiting.RateLimitPartition.GetTokenBucketLimiter(ClientOf(context), _ => bucket));
            // The same parse as the route's bool? binding (which trims): "?proof=true%20" still asks for a proof.
            o.AddPolicy(ProofPolicy, context => IsLoopback(context) || !(bool.TryParse(context.Request.Query["proof"], out bool proof) && proof)
                ? System.Threading.RateLimiting.RateLimitPartition.GetNoLimiter("")
                : System.Threading.RateLimiting.RateLimitPartition.GetTokenBucketLimiter(ClientOf(context), _ => bucket));
        });
        var app = builder.Build();
        app.UseExceptionHandler(error => error.Run(async context =>
        {
            var failure = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            // Oversized or unreadable requests are the client's fault; anything else is ours, logged.
            if (failure is BadHttpRequestException bad)
            {
                context.Response.StatusCode = bad.StatusCode;
                await context.Response.WriteAsJsonAsync(new ApiError(BindingErrors.Describe(bad.Message)));
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
        app.UseRateLimiter();
        return app;
    }

    /// <summary>Whether the client is on this host. A test binds a client to 127.0.0.2 to be a stranger: only 127.0.0.1 and ::1 count.</summary>
    private static bool IsLoopback(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } a && (a.Equals(System.Net.IPAddress.Loopback) || a.Equals(System.Net.IPAddress.IPv6Loopback)
            || (a.IsIPv4MappedToIPv6 && a.MapToIPv4().Equals(System.Net.IPAddress.Loopback)));

    /// <summary>The rate limit's partition: the client's address, IPv6 by its /64 (one host usually has a whole /64).</summary>
    private static string ClientOf(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address ? Polis.Core.Net.ClientAddress.GroupOf(address).ToString() : "";
}
