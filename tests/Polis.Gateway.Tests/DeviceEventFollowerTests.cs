using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Polis.Client.Api;
using static Polis.Gateway.Tests.GatewayTestKit;

namespace Polis.Gateway.Tests;

public sealed class DeviceEventFollowerTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static string Block(ulong height) =>
        $"id: {height}\nevent: block\ndata: {JsonSerializer.Serialize(new BlockEvent(height, "00", 0, 0, [], [], []), Web)}\n\n";

    /// <summary>
    /// A stream that skips a height may have lost a key rotation or a revocation in it: the
    /// follower forgets every cached key and follows again from the node's present height, rather
    /// than go on trusting the cache across the gap.
    /// </summary>
    [Fact]
    public async Task A_gap_in_the_streams_heights_clears_the_key_cache_and_starts_the_stream_again()
    {
        int port = 21_000 + Random.Shared.Next(2_000);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var app = builder.Build();
        var cachedBeforeGap = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int streams = 0;
        app.MapGet("/v1/status", () => Results.Json(new StatusResponse("polis-gw-test", "n", "m", null, 4, "00", 0, "00", 5, 0, false, 0, 0, []), Web));
        app.MapGet("/v1/events", async (HttpContext context) =>
        {
            int stream = Interlocked.Increment(ref streams);
            context.Response.ContentType = "text/event-stream";
            if (stream == 1)
            {
                await context.Response.WriteAsync(Block(5));
                await context.Response.Body.FlushAsync();
                await cachedBeforeGap.Task;
                await context.Response.WriteAsync(Block(7)); // height 6 never came
                await context.Response.Body.FlushAsync();
            }
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { });
        });
        await app.StartAsync();

        var directory = Directory();
        var cache = new DeviceKeyCache(directory);
        using var client = new NodeClient($"http://127.0.0.1:{port}");
        var follower = new DeviceEventFollower(client, cache, NullLogger.Instance);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var running = follower.RunAsync(stop.Token);

        // The follower clears the cache before it opens the stream: once the stream is open, what is cached next is the test's.
        while (Volatile.Read(ref streams) == 0) await Task.Delay(20, stop.Token);
        await cache.GetAsync("meter-1", stop.Token);
        Assert.True(cache.TryGetCached("meter-1", out _));
        cachedBeforeGap.SetResult();
        while (follower.Gaps == 0) await Task.Delay(20, stop.Token);
        Assert.False(cache.TryGetCached("meter-1", out _), "a key cached before the gap was still trusted after it");
        while (Volatile.Read(ref streams) < 2) await Task.Delay(20, stop.Token);
        await stop.CancelAsync();
        await running;
    }
}
