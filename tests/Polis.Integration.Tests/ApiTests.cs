using System.Net;
using System.Text.Json;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Modules.Accounts;
using Polis.State;
using Xunit.Abstractions;
using Polis.Core.Proofs;

namespace Polis.Integration.Tests;

/// <summary>The HTTP API's read side: OpenAPI document, blocks, commits, validators, proofs, the event stream.</summary>
public sealed class ApiTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_api_serves_its_openapi_document_blocks_commits_proofs_and_a_stream_of_committed_blocks()
    {
        await using var devnet = TestDevnet.Create(output, basePort: 21800);
        devnet.StartAll();
        await devnet.WaitForHeight(2, Patience);
        using var http = new HttpClient { BaseAddress = new Uri(devnet.Manifest.Nodes[1].Api), Timeout = TimeSpan.FromSeconds(20) };

        string openApi = await http.GetStringAsync("/openapi/v1.json");
        foreach (var path in new[] { "/v1/status", "/v1/validators", "/v1/blocks/{height}", "/v1/blocks/{height}/commit", "/v1/txs", "/v1/txs/{hash}", "/v1/accounts/{address}", "/v1/events" })
            Assert.Contains($"\"{path}\"", openApi);

        var validators = JsonDocument.Parse(await http.GetStringAsync("/v1/validators")).RootElement;
        Assert.Equal(4, validators.GetProperty("validators").GetArrayLength());
        var commit = JsonDocument.Parse(await http.GetStringAsync("/v1/blocks/1/commit")).RootElement;
        var block = JsonDocument.Parse(await http.GetStringAsync("/v1/blocks/1")).RootElement;
        Assert.Equal(block.GetProperty("id").GetString(), commit.GetProperty("blockId").GetString());
        Assert.True(commit.GetProperty("signatures").GetArrayLength() >= 3);
        using (var missing = await http.GetAsync("/v1/blocks/999999")) Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using (var noRoute = await http.GetAsync("/v1/nothing"))
        {
            Assert.Equal(HttpStatusCode.NotFound, noRoute.StatusCode);
            Assert.Contains("no such endpoint", await noRoute.Content.ReadAsStringAsync());
        }
        using (var wrongMethod = await http.DeleteAsync("/v1/status"))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
            Assert.Contains("not allowed", await wrongMethod.Content.ReadAsStringAsync());
        }

        // Open the event stream, then commit a transfer: its block arrives with the transfer's result.
        using var stream = await http.GetStreamAsync("/v1/events");
        using var reader = new StreamReader(stream);
        using var recipient = KeyPair.Generate();
        var tx = devnet.Transfer(0, recipient.Address, 9);
        Assert.True(await devnet.Submit(2, tx));
        using var timeout = new CancellationTokenSource(Patience);
        bool seen = false;
        while (!seen)
        {
            string? line = await reader.ReadLineAsync(timeout.Token);
            Assert.NotNull(line);
            if (line.StartsWith("data: ", StringComparison.Ordinal) && line.Contains(tx.Hash.ToString())) seen = line.Contains("\"ok\"");
        }

        // Each height's outcome stays readable: the transfer's result and its typed event, by height.
        var status = JsonDocument.Parse(await http.GetStringAsync($"/v1/txs/{tx.Hash}")).RootElement;
        ulong txHeight = status.GetProperty("height").GetUInt64();
        var events = JsonDocument.Parse(await http.GetStringAsync($"/v1/blocks/{txHeight}/events")).RootElement;
        var txResult = events.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("hash").GetString() == tx.Hash.ToString());
        Assert.Equal("ok", txResult.GetProperty("result").GetString());
        var transfer = txResult.GetProperty("events").EnumerateArray().Single();
        Assert.Equal(("accounts", "transfer"), (transfer.GetProperty("module").GetString(), transfer.GetProperty("type").GetString()));
        Assert.Equal(recipient.Address.ToString(), transfer.GetProperty("attributes").GetProperty("to").GetString());
        Assert.Equal("9", transfer.GetProperty("attributes").GetProperty("amount").GetString());
        // A follower may ask for results only, or for one module's events; a filter that names no module is refused.
        var resultsOnly = JsonDocument.Parse(await http.GetStringAsync($"/v1/blocks/{txHeight}/events?events=none")).RootElement;
        Assert.All(resultsOnly.GetProperty("results").EnumerateArray(), r => Assert.Equal(0, r.GetProperty("events").GetArrayLength()));
        var devicesOnly = JsonDocument.Parse(await http.GetStringAsync($"/v1/blocks/{txHeight}/events?events=devices")).RootElement;
        Assert.All(devicesOnly.GetProperty("results").EnumerateArray(), r => Assert.Equal(0, r.GetProperty("events").GetArrayLength()));
        using (var badFilter = await http.GetAsync($"/v1/blocks/{txHeight}/events?events=weather"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badFilter.StatusCode);
            Assert.Contains("accounts, devices", await badFilter.Content.ReadAsStringAsync());
        }

        // The stream resumes from any committed height, in order and without a gap, by query or by Last-Event-ID.
        Assert.Equal(Enumerable.Range(1, (int)txHeight).Select(h => (ulong)h), await StreamIds(http, "/v1/events?from=1", null, txHeight));
        Assert.Equal([txHeight], await StreamIds(http, "/v1/events", (txHeight - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), txHeight));
        // A reconnecting EventSource sends Last-Event-ID to the same URL: it wins over ?from, so nothing is sent twice.
        Assert.Equal([txHeight], await StreamIds(http, "/v1/events?from=1", (txHeight - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), txHeight));
        using (var future = await http.GetAsync($"/v1/events?from={txHeight + 1_000_000}"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, future.StatusCode);
            Assert.Contains("not committed yet", await future.Content.ReadAsStringAsync());
        }

        // A transaction for a module this chain does not run is refused at admission, with the reason.
        var stray = Transaction.Create(devnet.Manifest.ChainId, devnet.Accounts[3], 0, new ModuleId(200), [1]);
        using (var refused = await http.PostAsync("/v1/txs", new ByteArrayContent(stray.Encoded) { Headers = { ContentType = new("application/octet-stream") } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("unknown module", await refused.Content.ReadAsStringAsync());
        }

        // The account proof verifies against the state root of the height it was read at.
        var account = JsonDocument.Parse(await http.GetStringAsync($"/v1/accounts/{recipient.Address}?proof=true")).RootElement;
        Assert.Equal(9UL, account.GetProperty("balance").GetUInt64());
        var proof = account.GetProperty("proof");
        var root = Hash32.Parse(proof.GetProperty("stateRoot").GetString()!);
        var header = JsonDocument.Parse(await http.GetStringAsync($"/v1/blocks/{account.GetProperty("height").GetUInt64()}")).RootElement.GetProperty("header");
        Assert.Equal(root.ToString(), header.GetProperty("stateRoot").GetString());
        var stateProof = StateProof.Decode(Convert.FromHexString(proof.GetProperty("proof").GetString()!));
        var value = Convert.FromHexString(proof.GetProperty("value").GetString()!);
        var key = AccountsKeys.Balance(AccountsKeys.NativeAsset, recipient.Address);
        Assert.True(stateProof.Verify(root, key, value));
        Assert.Equal(9UL, BalanceRecord.Decode(value));
        value[^1] ^= 1;
        Assert.False(stateProof.Verify(root, key, value));
    }

    /// <summary>The ids of the stream's block events, read until one at <paramref name="last"/> arrives.</summary>
    private static async Task<List<ulong>> StreamIds(HttpClient http, string path, string? lastEventId, ulong last)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(Patience);
        var ids = new List<ulong>();
        while (ids.Count == 0 || ids[^1] < last)
        {
            string? line = await reader.ReadLineAsync(timeout.Token);
            Assert.NotNull(line);
            if (line.StartsWith("id: ", StringComparison.Ordinal)) ids.Add(ulong.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture));
        }
        return ids;
    }
}
