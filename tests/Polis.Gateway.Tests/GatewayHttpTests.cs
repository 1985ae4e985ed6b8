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
        Assert.Equal("bad-signature", (await refused.Content.ReadFromJsonAsync<ReadingsSubmitResponse>())!.Results[0].Reason);

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
        var listed = (await http.GetFromJsonAsync<DeviceReadingsResponse>("v1/devices/meter-1/readings?limit=3"))!;
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
        await app.StopAsync();
    }
}
