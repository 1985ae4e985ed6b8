using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Polis.Bench;

/// <summary>Benchmarks' view of the nodes they started: each node's committed height from its API.</summary>
internal static class NodeHeights
{
    /// <summary>The node's last committed height; null while its API does not answer (starting or stopped).</summary>
    public static async Task<ulong?> Of(HttpClient http, string api, CancellationToken cancel)
    {
        try
        {
            var status = await http.GetFromJsonAsync<JsonElement>($"{api}/v1/status", cancel);
            return status.GetProperty("height").GetUInt64();
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Waits until every node has committed <paramref name="height"/>; one deadline for all.</summary>
    public static async Task WaitFor(HttpClient http, IEnumerable<string> apis, ulong height, TimeSpan timeout, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        foreach (var api in apis)
        {
            while ((await Of(http, api, cancel) ?? 0) < height)
            {
                if (clock.Elapsed > timeout) throw new TimeoutException($"{api} did not reach height {height} within {timeout.TotalSeconds:F0} s");
                await Task.Delay(200, cancel);
            }
        }
    }
}
