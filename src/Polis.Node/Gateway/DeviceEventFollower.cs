using Microsoft.Extensions.Logging;
using Polis.Client.Api;

namespace Polis.Node.Gateway;

/// <summary>
/// Follows the node's committed-block stream and invalidates cached keys of devices whose records
/// changed (registered, key rotated, revoked). When the stream breaks, the whole cache is dropped:
/// changes in the gap would otherwise go unnoticed.
/// </summary>
internal sealed class DeviceEventFollower(NodeClient client, DeviceKeyCache cache, ILogger log)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    public async Task RunAsync(CancellationToken cancel)
    {
        bool warned = false;
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                await foreach (var block in client.EventsAsync(cancel))
                {
                    if (warned) log.LogInformation("gateway: following the node's events again");
                    warned = false;
                    for (int i = 0; i < block.DevicesChanged.Count; i++) cache.Invalidate(block.DevicesChanged[i]);
                }
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NodeApiException or HttpRequestException or IOException or System.Text.Json.JsonException)
            {
                if (!warned) log.LogWarning("gateway: the node's event stream is unavailable ({Message}); device keys are looked up afresh until it is back", e.Message);
                warned = true;
            }
            cache.Clear();
            try { await Task.Delay(RetryDelay, cancel); }
            catch (OperationCanceledException) { return; }
        }
    }
}
