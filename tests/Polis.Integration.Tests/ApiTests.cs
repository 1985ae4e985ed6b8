using System.Net;
using System.Text.Json;
using Polis.Core.Crypto;
using Polis.Execution.Accounts;
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
            if (line.StartsWith("data: ", StringComparison.Ordinal) && line.Contains(tx.Hash.ToString())) seen = line.Contains("\"Ok\"");
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
        Assert.True(stateProof.Verify(root, AccountRecord.Key(recipient.Address), value));
        Assert.Equal(new AccountRecord(0, 9), AccountRecord.Decode(value));
        value[^1] ^= 1;
        Assert.False(stateProof.Verify(root, AccountRecord.Key(recipient.Address), value));
    }
}
