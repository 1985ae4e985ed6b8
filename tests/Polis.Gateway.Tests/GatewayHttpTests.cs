using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Polis.Gateway;
using static Polis.Gateway.Tests.GatewayTestKit;
using Polis.Testing;
using Polis.Modules.Http;

namespace Polis.Gateway.Tests;

public sealed class GatewayHttpTests
{
    [Fact]
    public async Task Readings_are_posted_singly_in_binary_batches_and_as_json_and_listed_per_device_with_their_status()
    {
        using var dir = new TempDirectory();
        var chain = new FakeChain();
        await using var gateway = Open(dir.Path, Directory(), chain);
        int port = 21_000 + Random.Shared.Next(2_000);
        await using var app = ApiApp.Create($"http://127.0.0.1:{port}", NullLoggerFactory.Instance, ReadingsRequest.BodyBytesMax, "Polis.Gateway");
        GatewayEndpoints.Map(app, gateway);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

        var single = new ByteArrayContent(ReadingOf("meter-1", 1, Meter).Encoded);
        single.Headers.ContentType = new("application/octet-stream");
        var one = await http.PostAsync("v1/readings", single);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal("accepted", (await one.Content.ReadFromJsonAsync<ReadingsSubmitResponse>())!.Results[0].Reason);

        var forged = new ByteArrayContent(ReadingOf("meter-1", 2, Other).Encoded);
        forged.Headers.ContentType = new("application/octet-stream");
        var refused = await http.PostAsync("v1/readings", forged);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var error = (await refused.Content.ReadFromJsonAsync<Polis.Client.Api.ApiError>())!;
        Assert.Equal("bad-signature", error.Reason);
        Assert.Contains("signature", error.Error);

        var batch = new ByteArrayContent(ReadingsRequest.EncodeBatch([ReadingOf("meter-1", 2, Meter).Encoded, ReadingOf("nobody", 1, Meter).Encoded, ReadingOf("meter-1", 3, Meter).Encoded]));
        batch.Headers.ContentType = new(ReadingsRequest.BatchContentType);
        var many = (await (await http.PostAsync("v1/readings", batch)).Content.ReadFromJsonAsync<ReadingsSubmitResponse>())!;
        Assert.Equal((2, 1), (many.Accepted, many.Rejected));
        Assert.Equal(["accepted", "unknown-device", "accepted"], many.Results.Select(r => r.Reason).ToArray());

        var json = await http.PostAsJsonAsync("v1/readings", new { readings = new[] { Convert.ToHexStringLower(ReadingOf("meter-1", 4, Meter).Encoded) } });
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);

        var truncated = new ByteArrayContent([0, 0, 0, 2, 0, 0, 0, 9, 1]);
        truncated.Headers.ContentType = new(ReadingsRequest.BatchContentType);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync("v1/readings", truncated)).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await http.PostAsync("v1/readings", new StringContent("x"))).StatusCode);

        await GatewayStoreTests.Settle(gateway);
        await gateway.Pipeline.SubmitAsync(ReadingOf("meter-1", 5, Meter).Encoded, null, default);
        var listed = (await http.GetFromJsonAsync<DeviceReadingsResponse>("v1/readings/meter-1?limit=3"))!;
        Assert.Equal([5UL, 4UL, 3UL], listed.Readings.Select(r => r.Sequence).ToArray());
        Assert.Equal(["pending", "anchored", "anchored"], listed.Readings.Select(r => r.Status).ToArray());
        Assert.Equal(chain.Anchors[0].Height, listed.Readings[1].Height);

        var pendingProof = await http.GetAsync("v1/readings/meter-1/5/proof");
        Assert.Equal(HttpStatusCode.NotFound, pendingProof.StatusCode);
        Assert.Contains("not-sealed", await pendingProof.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("v1/readings/meter-1/99/proof")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("v1/readings/meter-1/x/proof")).StatusCode);
        // Anchored, but this test has no node to serve the block, commit and state proofs.
        var noNode = await http.GetAsync("v1/readings/meter-1/3/proof");
        Assert.Equal(HttpStatusCode.BadGateway, noNode.StatusCode);
        Assert.Contains("node-unavailable", await noNode.Content.ReadAsStringAsync());

        var status = (await http.GetFromJsonAsync<GatewayStatusResponse>("v1/gateway"))!;
        Assert.Equal((5UL, 1UL, 1UL, 1UL), (status.ReadingsAccepted, status.ReadingsUnsealed, status.BatchesSealed, status.BatchesAnchored));
        // One source for "readings accepted": the API's figure is the metric's (the verdict counter counts this process's verdicts).
        Assert.Equal((double)status.ReadingsAccepted, gateway.Metrics.Stored.Value);
        Assert.Equal(5, gateway.Metrics.Readings(ReadingReason.Accepted));
        await app.StopAsync();
    }

    /// <summary>
    /// Uploads that announce a full 10 MB body and send nothing: each holds a small pooled buffer,
    /// not the announced length, and past the bound on submissions in progress the next one (from
    /// yet another address) gets 503 at once. When they go, submissions go through again.
    /// </summary>
    [Fact]
    public async Task Stalled_uploads_claiming_large_bodies_hold_neither_their_claimed_memory_nor_more_than_their_share_of_permits()
    {
        using var dir = new TempDirectory();
        await using var gateway = Open(dir.Path, Directory(), new FakeChain());
        int port = 21_000 + Random.Shared.Next(2_000);
        await using var app = ApiApp.Create($"http://127.0.0.1:{port}", NullLoggerFactory.Instance, ReadingsRequest.BodyBytesMax, "Polis.Gateway");
        GatewayEndpoints.Map(app, gateway);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        HttpContent Single(ulong sequence) => new ByteArrayContent(ReadingOf("meter-1", sequence, Meter).Encoded) { Headers = { ContentType = new("application/octet-stream") } };
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("v1/readings", Single(1))).StatusCode);

        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var stalled = new List<System.Net.Sockets.TcpClient>();
        try
        {
            string head = $"POST /v1/readings HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {ReadingsRequest.BatchContentType}\r\nContent-Length: 10000000\r\n\r\n";
            // From four addresses of their own (a client holds at most its share), all the permits there are.
            for (int i = 0; i < GatewayLimits.HttpSubmissionsMax; i++)
            {
                var source = IPAddress.Parse($"127.0.0.{2 + i / GatewayLimits.HttpSubmissionsPerAddressMax}");
                var client = new System.Net.Sockets.TcpClient(new IPEndPoint(source, 0));
                await client.ConnectAsync(IPAddress.Loopback, port);
                await client.GetStream().WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
                stalled.Add(client);
            }
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (gateway.HttpSubmissions.InUse < GatewayLimits.HttpSubmissionsMax)
            {
                Assert.True(DateTime.UtcNow < deadline, $"the stalled uploads never held every permit ({gateway.HttpSubmissions.InUse} held)");
                await Task.Delay(20);
            }
            var busy = await http.PostAsync("v1/readings", Single(2));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
            Assert.Contains("in progress", await busy.Content.ReadAsStringAsync());
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            // Buffers sized by the claims would be 16 × 10 MB; what arrived needs a few KB each.
            Assert.True(allocated < 32L * 1024 * 1024, $"the stalled uploads cost {allocated / 1024 / 1024} MiB of allocations");
        }
        finally
        {
            foreach (var client in stalled) client.Dispose();
        }
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await http.PostAsync("v1/readings", Single(2))).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < until, "submissions never went through again after the stalled uploads went");
            await Task.Delay(50);
        }
    }

    /// <summary>Costly routes (reading lists, proofs) answer a client address a bounded number of times a second, then 429 with a JSON error; cheap routes, and the host itself, are not limited.</summary>
    [Fact]
    public async Task Costly_routes_are_rate_limited_per_client_and_cheap_ones_are_not()
    {
        using var dir = new TempDirectory();
        await using var gateway = Open(dir.Path, Directory(), new FakeChain());
        int port = 21_000 + Random.Shared.Next(2_000);
        await using var app = ApiApp.Create($"http://127.0.0.1:{port}", NullLoggerFactory.Instance, ReadingsRequest.BodyBytesMax, "Polis.Gateway", costlyRequestsPerSecond: 5);
        GatewayEndpoints.Map(app, gateway);
        await app.StartAsync();
        // From 127.0.0.2: a client of its own address (127.0.0.1, the node's neighbours, is not limited).
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancel) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancel);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        }) { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        using var local = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var codes = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (int i = 0; i < 20; i++)
        {
            var response = await http.GetAsync("v1/readings/meter-1");
            codes.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited ??= response;
        }
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 5), codes.Take(5));
        Assert.NotNull(limited);
        Assert.Contains("too many requests", await limited!.Content.ReadAsStringAsync());
        Assert.Equal("1", limited.Headers.GetValues("Retry-After").Single());
        for (int i = 0; i < 20; i++) Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("v1/gateway")).StatusCode);
        for (int i = 0; i < 20; i++) Assert.Equal(HttpStatusCode.OK, (await local.GetAsync("v1/readings/meter-1")).StatusCode);
    }
}
