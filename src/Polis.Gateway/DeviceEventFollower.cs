using Microsoft.Extensions.Logging;
using Polis.Client.Api;
using Polis.Modules.Devices;

namespace Polis.Gateway;

/// <summary>
/// Follows the node's committed-block stream and invalidates cached keys of devices whose records
/// changed (the Devices module's registered, key-rotated and revoked events). The stream resumes
/// after the last height seen, so no change is missed; while it is broken, the whole cache is
/// dropped too, so lookups in the meantime ask the node afresh rather than trust a key that may
/// have been revoked. Heights must follow each other: a block that skips one (a stream that lost
/// something) is a gap, and the cache is dropped and the stream started again, never trusted
/// across it.
/// </summary>
internal sealed class DeviceEventFollower(NodeClient client, DeviceKeyCache cache, ILogger log)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    public async Task RunAsync(CancellationToken cancel)
    {
        bool warned = false;
        ulong? next = null;
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                // Start after the height the node has now, and forget what was looked up before it
                // (ingress may have cached keys of an older height): every key looked up from here on
                // is at least that recent, and every later change arrives on the stream.
                if (next is null)
                {
                    next = (await client.StatusAsync(cancel)).Height + 1;
                    cache.Clear();
                }
                await foreach (var block in client.EventsAsync(next, DevicesKeys.Name, cancel))
                {
                    if (block.Height != next)
                    {
                        // Changes in the heights between may be missing: forget every key and follow again from the node's present height.
                        log.LogWarning("gateway: the node's event stream went from height {Expected} to {Got}; device keys are looked up afresh", next - 1, block.Height);
                        Gaps++;
                        next = null;
                        break;
                    }
                    if (warned) log.LogInformation("gateway: following the node's events again");
                    warned = false;
                    foreach (var result in block.Results)
                        foreach (var e in result.Events)
                            if (e.Module == DevicesKeys.Name && IsDeviceChange(e.Type) && e.Attributes?.GetValueOrDefault("deviceId") is { } id)
                                cache.Invalidate(id);
                    next = block.Height + 1;
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

    /// <summary>Gaps seen in the stream's heights (each cleared the cache).</summary>
    public int Gaps { get; private set; }

    private static bool IsDeviceChange(string type) =>
        type is DevicesEvents.Registered.TypeName or DevicesEvents.KeyRotated.TypeName or DevicesEvents.Revoked.TypeName or DevicesEvents.Assigned.TypeName;
}
