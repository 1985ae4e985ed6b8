using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Polis.Core.Crypto;

namespace Polis.Client.Api;

/// <summary>
/// A typed client of a node's HTTP API. Answers the node refuses become <see cref="NodeApiException"/>
/// with the node's message and status; "not found" is null where a caller can expect it.
/// </summary>
public sealed class NodeClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;

    public NodeClient(string baseUrl, TimeSpan? timeout = null)
    {
        BaseUrl = baseUrl.TrimEnd('/');
        _http = new HttpClient { BaseAddress = new Uri(BaseUrl + "/"), Timeout = timeout ?? TimeSpan.FromSeconds(10) };
    }

    public string BaseUrl { get; }

    /// <summary>
    /// GETs any path of the API as JSON (for callers that show it as it comes, like the CLI); a
    /// refusal, 404 included, is a <see cref="NodeApiException"/> with the node's message.
    /// </summary>
    public async Task<JsonElement> GetJsonAsync(string path, CancellationToken cancel = default)
    {
        using var response = await Send(() => _http.GetAsync(path.TrimStart('/'), cancel));
        if (!response.IsSuccessStatusCode) throw await Failure(response, cancel);
        try
        {
            return await response.Content.ReadFromJsonAsync<JsonElement>(Json, cancel);
        }
        catch (JsonException)
        {
            throw new NodeApiException((int)response.StatusCode, $"the node at {BaseUrl} answered {(int)response.StatusCode} without JSON");
        }
    }

    public Task<StatusResponse> StatusAsync(CancellationToken cancel = default) => GetAsync<StatusResponse>("v1/status", cancel);

    /// <summary>The next nonce of <paramref name="address"/> (the executor's, whatever module the transaction is for).</summary>
    public Task<NonceResponse> NonceAsync(Address address, CancellationToken cancel = default) => GetAsync<NonceResponse>($"v1/nonces/{address}", cancel);
    public Task<FeesResponse> FeesAsync(CancellationToken cancel = default) => GetAsync<FeesResponse>("v1/fees", cancel);

    /// <summary>A state key's value and proof at a committed height.</summary>
    public Task<StateProofResponse> StateAsync(ReadOnlySpan<byte> key, ulong height, CancellationToken cancel = default) =>
        GetAsync<StateProofResponse>($"v1/state/{Convert.ToHexStringLower(key)}?height={height}", cancel);

    public Task<TxStatusResponse?> TxStatusAsync(Hash32 hash, CancellationToken cancel = default) => FindAsync<TxStatusResponse>($"v1/txs/{hash}", cancel);

    /// <summary>The canonical bytes of the block at <paramref name="height"/>, or null when there is none yet.</summary>
    public async Task<byte[]?> BlockBytesAsync(ulong height, CancellationToken cancel = default)
    {
        using var response = await Send(() => _http.GetAsync($"v1/blocks/{height}?encoding=binary", cancel));
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        if (!response.IsSuccessStatusCode) throw await Failure(response, cancel);
        return await response.Content.ReadAsByteArrayAsync(cancel);
    }

    /// <summary>GETs a binary answer (<c>application/octet-stream</c>), or null when the node answers 404.</summary>
    public async Task<byte[]?> GetBytesAsync(string path, CancellationToken cancel = default)
    {
        using var response = await Send(() => _http.GetAsync(path.TrimStart('/'), cancel));
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        if (!response.IsSuccessStatusCode) throw await Failure(response, cancel);
        return await response.Content.ReadAsByteArrayAsync(cancel);
    }

    /// <summary>The canonical bytes of the commit of <paramref name="height"/>, or null when there is none yet.</summary>
    public async Task<byte[]?> CommitBytesAsync(ulong height, CancellationToken cancel = default)
    {
        var commit = await FindAsync<CommitResponse>($"v1/blocks/{height}/commit", cancel);
        return commit is null ? null : Convert.FromBase64String(commit.Encoded);
    }

    /// <summary>Submits a signed transaction. Returns the HTTP status (202 accepted, 4xx/503 refused) and the node's message.</summary>
    public async Task<(int Status, string Message)> SubmitTxAsync(byte[] tx, CancellationToken cancel = default)
    {
        using var content = new ByteArrayContent(tx);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await Send(() => _http.PostAsync("v1/txs", content, cancel));
        string body = await response.Content.ReadAsStringAsync(cancel);
        return ((int)response.StatusCode, ErrorOf(body) ?? body);
    }

    /// <summary>
    /// The node's committed blocks with their results and events (Server-Sent Events), from height
    /// <paramref name="fromHeight"/> on (null: from the next block committed), in order and without
    /// gaps, until cancelled or the stream ends. Resume after a break from the last height seen + 1.
    /// <paramref name="events"/> narrows the events shown: "none", or a module's name (null: all).
    /// </summary>
    public async IAsyncEnumerable<BlockEvent> EventsAsync(ulong? fromHeight = null, string? events = null, [EnumeratorCancellation] CancellationToken cancel = default)
    {
        var query = new List<string>(2);
        if (fromHeight is { } from) query.Add($"from={from}");
        if (events is not null) query.Add($"events={Uri.EscapeDataString(events)}");
        using var request = new HttpRequestMessage(HttpMethod.Get, query.Count == 0 ? "v1/events" : "v1/events?" + string.Join('&', query));
        using var http = new HttpClient { BaseAddress = _http.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var response = await Send(() => http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel));
        if (!response.IsSuccessStatusCode) throw await Failure(response, cancel);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel));
        string? eventName = null;
        while (await reader.ReadLineAsync(cancel) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) eventName = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && eventName == "block")
            {
                var block = JsonSerializer.Deserialize<BlockEvent>(line.AsSpan(6), Json);
                if (block is not null) yield return block;
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && eventName == "error")
            {
                // The node ends the stream with an error event when its store cannot give a height.
                throw new NodeApiException(500, ErrorOf(line[6..]) ?? "the node ended the event stream with an error");
            }
            else if (line.Length == 0) eventName = null;
        }
    }

    /// <summary>GETs <paramref name="path"/> as <typeparamref name="T"/>; a 404 is a <see cref="NodeApiException"/> like any refusal.</summary>
    public async Task<T> GetAsync<T>(string path, CancellationToken cancel = default) where T : class =>
        await FindAsync<T>(path, cancel) ?? throw new NodeApiException(404, $"{path}: not found");

    /// <summary>GETs <paramref name="path"/> as <typeparamref name="T"/>, or null when the node answers 404.</summary>
    public async Task<T?> FindAsync<T>(string path, CancellationToken cancel = default) where T : class
    {
        using var response = await Send(() => _http.GetAsync(path, cancel));
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        if (!response.IsSuccessStatusCode) throw await Failure(response, cancel);
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, cancel) ?? throw new NodeApiException((int)response.StatusCode, "empty answer");
        }
        catch (JsonException e)
        {
            throw new NodeApiException((int)response.StatusCode, $"unreadable answer from {BaseUrl}/{path}: {e.Message}");
        }
    }

    private async Task<HttpResponseMessage> Send(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            return await send();
        }
        catch (HttpRequestException e)
        {
            throw new NodeApiException(0, $"cannot reach the node at {BaseUrl}: {e.Message}");
        }
        catch (TaskCanceledException e) when (e.InnerException is TimeoutException)
        {
            throw new NodeApiException(0, $"the node at {BaseUrl} did not answer in time");
        }
    }

    private static async Task<NodeApiException> Failure(HttpResponseMessage response, CancellationToken cancel)
    {
        string body = await response.Content.ReadAsStringAsync(cancel);
        return new NodeApiException((int)response.StatusCode, ErrorOf(body) ?? $"HTTP {(int)response.StatusCode}");
    }

    private static string? ErrorOf(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var e) ? e.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>A node refused a request or could not be reached (<see cref="Status"/> 0).</summary>
public sealed class NodeApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
