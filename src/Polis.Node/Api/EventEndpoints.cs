using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polis.Client.Api;
using Polis.Modules.Http;

namespace Polis.Node.Api;

/// <summary>
/// <c>GET /v1/events</c>: Server-Sent Events, one <c>block</c> event per committed height in order
/// (its transactions' results and every module's events, as <c>/v1/blocks/{h}/events</c> gives
/// them; <c>id</c> is the height), and a comment every 15 s so proxies keep the stream open.
/// Resumable: the standard <c>Last-Event-ID</c> header (resumes after it: what a reconnecting
/// EventSource sends, so it wins over the URL's query), else <c>?from=H</c>, else the next height. <c>?events=none</c> or <c>?events={module}</c> narrows
/// the events shown (<see cref="EventFilter"/>). Each subscriber reads the block store at its own
/// pace, so a slow one falls behind and catches up, never loses a height and never holds blocks in
/// the node's memory.
/// </summary>
internal static class EventEndpoints
{
    public static readonly ApiTagDescription Tag = new("events", "A live stream of committed blocks' outcomes (Server-Sent Events), resumable from any height.");

    /// <summary>Concurrent subscribers; each holds one height's JSON at a time.</summary>
    public const int SubscribersMax = 64;
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static void Map(WebApplication app, PolisNode node)
    {
        var subscribers = new int[1]; // this node's, counted with Interlocked
        app.MapGet("/v1/events", async (HttpContext context, string? from, string? events) =>
        {
            ulong committed = node.CommittedHeight;
            if (!TryStart(context, from, committed, out ulong next, out var refusal) || !EventFilter.TryParse(events, node.Modules, out var filter, out refusal))
            {
                await refusal!.ExecuteAsync(context);
                return;
            }
            if (Interlocked.Increment(ref subscribers[0]) > SubscribersMax)
            {
                Interlocked.Decrement(ref subscribers[0]);
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await context.Response.WriteAsJsonAsync(new ApiError($"too many event subscribers (at most {SubscribersMax})"));
                return;
            }
            try
            {
                await StreamAsync(context, node, next, filter);
            }
            finally
            {
                Interlocked.Decrement(ref subscribers[0]);
            }
        }).Describe("events", Tag, "Stream committed blocks' outcomes",
                "Server-Sent Events: one `block` event per committed height in order, its data the JSON of /v1/blocks/{height}/events and its id the height; a comment every 15 s. Resumes after Last-Event-ID, else from ?from, else at the next height; ?events=none or ?events={module} narrows the events. At most 64 subscribers.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream").Errors(StatusCodes.Status400BadRequest, StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>The first height to send: one after <c>Last-Event-ID</c>, else <c>from</c>, else the next to commit; at most one past the committed height.</summary>
    private static bool TryStart(HttpContext context, string? from, ulong committed, out ulong next, out IResult? refusal)
    {
        refusal = null;
        next = committed + 1;
        string? lastId = context.Request.Headers["Last-Event-ID"];
        if (!string.IsNullOrEmpty(lastId))
        {
            if (!ulong.TryParse(lastId, NumberStyles.None, CultureInfo.InvariantCulture, out ulong last) || last == ulong.MaxValue)
            {
                refusal = ApiResults.BadRequest($"Last-Event-ID '{ApiResults.Truncate(lastId)}' is not a height");
                return false;
            }
            next = last + 1;
        }
        else if (from is not null)
        {
            if (!ApiResults.TryParseHeight(from, out next, out refusal)) return false;
        }
        if (next > committed + 1)
        {
            refusal = ApiResults.BadRequest($"height {next} is not committed yet; a stream can start at most at the next height, {committed + 1}");
            return false;
        }
        return true;
    }

    private static async Task StreamAsync(HttpContext context, PolisNode node, ulong next, EventFilter filter)
    {
        var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var aborted = context.RequestAborted;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        try
        {
            await context.Response.WriteAsync(": polis block stream\n\n", aborted);
            await context.Response.Body.FlushAsync(aborted);
            while (!aborted.IsCancellationRequested)
            {
                string chunk;
                if (next <= node.CommittedHeight)
                {
                    if (!TryRender(node, next, filter, json, out chunk))
                    {
                        // The store lacks a committed height's block or outcome: this node's fault, not
                        // the client's. Say so on the stream and end it rather than cut it without a word.
                        await context.Response.WriteAsync(chunk, aborted);
                        await context.Response.Body.FlushAsync(aborted);
                        return;
                    }
                    next++;
                }
                else
                {
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                    wait.CancelAfter(Heartbeat);
                    try
                    {
                        await node.Commits.WaitAboveAsync(next - 1, wait.Token);
                        continue;
                    }
                    catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                    {
                        chunk = ": heartbeat\n\n";
                    }
                }
                await context.Response.WriteAsync(chunk, aborted);
                await context.Response.Body.FlushAsync(aborted);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>A height's <c>block</c> event, or an <c>error</c> event when the store cannot give it.</summary>
    private static bool TryRender(PolisNode node, ulong height, EventFilter filter, JsonSerializerOptions json, out string chunk)
    {
        string error;
        try
        {
            var block = node.Blocks.GetBlock(height);
            var outcome = block is null ? null : node.Blocks.GetOutcome(block);
            if (block is not null && outcome is not null)
            {
                chunk = $"event: block\nid: {height}\ndata: {JsonSerializer.Serialize(BlockJson.Outcome(block, outcome, node.Modules, filter), json)}\n\n";
                return true;
            }
            error = $"committed height {height} is missing from this node's store";
        }
        catch (Polis.Core.Encoding.CodecException e)
        {
            error = $"committed height {height} does not decode from this node's store: {e.Message}";
        }
        node.Metrics.Rejected.WithLabels("api", "store-gap").Inc();
        chunk = $"event: error\ndata: {JsonSerializer.Serialize(new ApiError(error), json)}\n\n";
        return false;
    }
}
