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
/// errors for exceptions, bad bindings and routing refusals; an OpenAPI document; a body limit.
/// </summary>
public static class ApiApp
{
    public static WebApplication Create(string url, ILoggerFactory logs, long requestBodyBytesMax, string applicationName)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = applicationName });
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
}
