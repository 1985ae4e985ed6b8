using System.Net;
using System.Net.Sockets;
using System.Text;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Modules.Accounts;
using Xunit.Abstractions;

namespace Polis.Integration.Tests;

/// <summary>Issue 3, test 5: hostile input over HTTP and P2P gets a clear refusal while the node keeps committing.</summary>
public sealed class BadInputTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Malformed_and_oversized_input_is_refused_with_a_reason_and_the_node_keeps_committing()
    {
        await using var devnet = TestDevnet.Create(output, basePort: 21600);
        devnet.StartAll();
        await devnet.WaitForHeight(2, Patience);
        var api = devnet.Manifest.Nodes[0].Api;
        using var http = new HttpClient { BaseAddress = new Uri(api), Timeout = TimeSpan.FromSeconds(10) };

        async Task ExpectError(HttpContent content, HttpStatusCode expected, string fragment)
        {
            // Each on its own connection: the server closes one after refusing an oversized body
            // unread, and a pooled client could otherwise send the next request into that close.
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/txs") { Content = content };
            request.Headers.ConnectionClose = true;
            // The server refuses an oversized body from its Content-Length, before reading it: with
            // 100-continue the client waits for that verdict instead of writing into a closed socket.
            request.Headers.ExpectContinue = true;
            using var response = await http.SendAsync(request);
            string body = await response.Content.ReadAsStringAsync();
            Assert.True(expected == response.StatusCode, $"expected {expected}, got {(int)response.StatusCode}: {body}");
            Assert.Contains("\"error\"", body);
            Assert.Contains(fragment, body, StringComparison.OrdinalIgnoreCase);
        }

        await ExpectError(new StringContent("{\"tx\": \"00ff00\"}", Encoding.UTF8, "application/json"), HttpStatusCode.BadRequest, "does not decode");
        await ExpectError(new StringContent("{\"tx\": 12}", Encoding.UTF8, "application/json"), HttpStatusCode.BadRequest, "tx");
        await ExpectError(new StringContent("not json", Encoding.UTF8, "application/json"), HttpStatusCode.BadRequest, "JSON");
        await ExpectError(new StringContent("{\"tx\": \"%%%\"}", Encoding.UTF8, "application/json"), HttpStatusCode.BadRequest, "neither hex nor base64");
        // What a web page can post across sites without a preflight (a form, text) is refused before it is read.
        await ExpectError(new StringContent("00ff", Encoding.UTF8, "text/plain"), HttpStatusCode.UnsupportedMediaType, "Content-Type");
        await ExpectError(new FormUrlEncodedContent([new("tx", "00ff")]), HttpStatusCode.UnsupportedMediaType, "Content-Type");
        await ExpectError(new ByteArrayContent([1, 2, 3]), HttpStatusCode.UnsupportedMediaType, "Content-Type");
        await ExpectError(new ByteArrayContent(new byte[3 * 1024 * 1024]) { Headers = { ContentType = new("application/octet-stream") } },
            HttpStatusCode.RequestEntityTooLarge, "too large");
        // A well-formed transaction signed for another chain, and one with a forged signature.
        using var key = KeyPair.Generate();
        var foreign = Transaction.Create("another-chain", key, 0, AccountsKeys.Module, new TransferBody(key.Address, 1).ToBytes());
        await ExpectError(new StringContent($"{{\"tx\": \"{Convert.ToHexStringLower(foreign.Encoded)}\"}}", Encoding.UTF8, "application/json"), HttpStatusCode.BadRequest, "chain");
        var good = devnet.Transfer(0, key.Address, 5);
        var forged = (byte[])good.Encoded.Clone();
        forged[^1] ^= 1;
        await ExpectError(new StringContent($"{{\"tx\": \"{Convert.ToHexStringLower(forged)}\"}}", Encoding.UTF8, "application/json"), HttpStatusCode.BadRequest, "signature");
        using (var notFound = await http.GetAsync("/v1/blocks/not-a-height")) Assert.Equal(HttpStatusCode.BadRequest, notFound.StatusCode);
        using (var badAddress = await http.GetAsync("/v1/accounts/polis1qqqq")) Assert.Equal(HttpStatusCode.BadRequest, badAddress.StatusCode);
        using (var badQuery = await http.GetAsync($"/v1/accounts/{key.Address}?proof=maybe"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badQuery.StatusCode);
            Assert.Contains("\"error\"", await badQuery.Content.ReadAsStringAsync());
        }
        using (var badHash = await http.GetAsync("/v1/txs/xyz")) Assert.Equal(HttpStatusCode.BadRequest, badHash.StatusCode);
        using (var jsonBatch = await http.PostAsync("/v1/txs/batch", new StringContent("[]", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, jsonBatch.StatusCode);
            Assert.Contains("application/octet-stream", await jsonBatch.Content.ReadAsStringAsync());
        }
        using (var badBatch = new ByteArrayContent([0, 0, 0, 9, 1, 2]) { Headers = { ContentType = new("application/octet-stream") } })
        using (var batchResponse = await http.PostAsync("/v1/txs/batch", badBatch))
        {
            Assert.Equal(HttpStatusCode.BadRequest, batchResponse.StatusCode);
            Assert.Contains("does not decode", await batchResponse.Content.ReadAsStringAsync());
        }

        // Random bytes, then an oversized frame header, to the P2P port: the connection is dropped.
        var p2p = IPEndPoint.Parse(devnet.Manifest.Nodes[0].P2P);
        await AssertDropped(p2p, RandomBytes(4096));
        await AssertDropped(p2p, [0x7f, 0xff, 0xff, 0xff, 0x01]);

        ulong height = await devnet.Height(0);
        Assert.True(await devnet.Submit(1, good), "a valid transaction after the garbage is accepted");
        await devnet.WaitForHeight(height + 3, Patience);
        await devnet.WaitUntil(async () => await LedgerChecks.Committed(devnet, 0, good.Hash) is not null, Patience, "the valid transaction commits");
        using var metrics = await http.GetAsync("/metrics");
        string text = await metrics.Content.ReadAsStringAsync();
        Assert.Contains("polis_rejected_inputs_total", text);
        Assert.Contains("polis_height", text);
    }

    private static byte[] RandomBytes(int n)
    {
        var bytes = new byte[n];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    private static async Task AssertDropped(IPEndPoint endpoint, byte[] garbage)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(garbage);
            var buffer = new byte[65536];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            // The node may first send its TLS handshake bytes; it must then close the connection.
            while (true)
            {
                int n = await stream.ReadAsync(buffer, timeout.Token);
                if (n == 0) return;
            }
        }
        catch (IOException)
        {
            // reset by the node: dropped
        }
    }
}
