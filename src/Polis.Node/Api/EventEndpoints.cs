using Polis.Client.Api;
using Polis.Node.Storage;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Polis.Node.Api;

/// <summary>
/// <c>GET /v1/events</c>: Server-Sent Events, one <c>block</c> event per committed block with its
/// transactions' results, and a comment every 15 s so proxies keep the stream open.
/// </summary>
internal static class EventEndpoints
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static void Map(WebApplication app, PolisNode node)
    {
        app.MapGet("/v1/events", async (HttpContext context, CancellationToken requestAborted) =>
        {
            var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            var reader = node.Feed.Subscribe(out var unsubscribe);
            if (reader is null)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await context.Response.WriteAsJsonAsync(new ApiError($"too many event subscribers (at most {BlockFeed.SubscribersMax})"));
                return;
            }
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            try
            {
                await context.Response.WriteAsync(": polis block stream\n\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                while (!context.RequestAborted.IsCancellationRequested)
                {
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
                    wait.CancelAfter(Heartbeat);
                    string chunk;
                    try
                    {
                        var block = await reader.ReadAsync(wait.Token);
                        chunk = $"event: block\nid: {block.Block.Height}\ndata: {JsonSerializer.Serialize(ToEvent(block), json)}\n\n";
                    }
                    catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
                    {
                        chunk = ": heartbeat\n\n";
                    }
                    await context.Response.WriteAsync(chunk, context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (System.Threading.Channels.ChannelClosedException)
            {
            }
            finally
            {
                unsubscribe();
            }
        }).WithName("events").Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
    }

    private static BlockEvent ToEvent(CommittedBlock c) => new(c.Block.Height, c.Block.Id.ToString(), c.Block.Header.TimeMs,
        c.Block.Transactions.Count, c.Results.Select(r => new TxResultEvent(r.TxHash.ToString(), r.Code.ToString(), r.Message)).ToList(),
        DeviceIndex.ChangedDevices(c.Block, c.Results));
}
