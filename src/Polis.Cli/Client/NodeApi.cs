using System.Net.Http.Json;
using System.Text.Json;

namespace Polis.Cli.Client;

/// <summary>A thin client of a node's HTTP API for the CLI: JSON in, JSON out, errors as messages.</summary>
public sealed class NodeApi(string baseUrl, TimeSpan? timeout = null) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/"), Timeout = timeout ?? TimeSpan.FromSeconds(10) };

    public string BaseUrl => baseUrl;

    /// <summary>GETs a path; on a non-2xx answer throws <see cref="ApiException"/> with the node's error message.</summary>
    public async Task<JsonElement> GetAsync(string path, CancellationToken cancel = default)
    {
        using var response = await Send(() => _http.GetAsync(path.TrimStart('/'), cancel));
        return await Read(response, cancel);
    }

    public async Task<(int Status, JsonElement Body)> PostTxAsync(byte[] tx, CancellationToken cancel = default)
    {
        using var response = await Send(() => _http.PostAsJsonAsync("v1/txs", new { tx = Convert.ToHexStringLower(tx) }, cancel));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancel);
        return ((int)response.StatusCode, body);
    }

    private async Task<HttpResponseMessage> Send(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            return await send();
        }
        catch (HttpRequestException e)
        {
            throw new ApiException($"cannot reach the node at {baseUrl}: {e.Message}");
        }
        catch (TaskCanceledException)
        {
            throw new ApiException($"the node at {baseUrl} did not answer in time");
        }
    }

    private static async Task<JsonElement> Read(HttpResponseMessage response, CancellationToken cancel)
    {
        JsonElement body;
        try
        {
            body = await response.Content.ReadFromJsonAsync<JsonElement>(cancel);
        }
        catch (JsonException)
        {
            throw new ApiException($"the node answered {(int)response.StatusCode} without JSON");
        }
        if (!response.IsSuccessStatusCode)
            throw new ApiException(body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out var e) ? e.GetString() ?? "error" : $"HTTP {(int)response.StatusCode}");
        return body;
    }

    public void Dispose() => _http.Dispose();
}

public sealed class ApiException(string message) : Exception(message);
