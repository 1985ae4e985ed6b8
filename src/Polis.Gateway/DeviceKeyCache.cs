using System.Collections.Concurrent;

namespace Polis.Gateway;

/// <summary>
/// Devices' current keys, asked of the chain once and kept until the device's record changes
/// (<see cref="Invalidate"/>, driven by the node's event stream). Concurrent misses for one device
/// share one lookup. Unknown devices are remembered briefly too, so a flood of readings from an
/// unregistered id costs one lookup per <see cref="UnknownTtlMs"/>, not one per reading.
/// </summary>
public sealed class DeviceKeyCache(IDeviceDirectory directory, TimeProvider? time = null)
{
    public const long UnknownTtlMs = 5_000;
    /// <summary>
    /// A cached answer older than this is asked again before a reading is refused on it (unknown
    /// device, or a signature that does not verify: the device may have been registered or given a
    /// new key since); younger ones are final, so forged readings cost at most one lookup per
    /// device per this long.
    /// </summary>
    public const long RecheckAfterMs = 1_000;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<DeviceKeyInfo?>> _lookups = new(StringComparer.Ordinal);
    private int _count;
    /// <summary>Bumped by every invalidation: a lookup that started before one does not cache its (maybe stale) answer.</summary>
    private long _generation;

    private sealed record Entry(DeviceKeyInfo? Info, long ExpiresAtMs, long FetchedAtMs);

    /// <summary>The cached answer without any I/O: true when known (then <paramref name="info"/> null means unknown device).</summary>
    public bool TryGetCached(string deviceId, out DeviceKeyInfo? info)
    {
        if (_entries.TryGetValue(deviceId, out var entry) && (entry.ExpiresAtMs == long.MaxValue || entry.ExpiresAtMs > _time.GetUtcNow().ToUnixTimeMilliseconds()))
        {
            info = entry.Info;
            return true;
        }
        info = null;
        return false;
    }

    /// <summary>The device's key, from the cache or the chain. Throws when the chain cannot be asked.</summary>
    public async ValueTask<DeviceKeyInfo?> GetAsync(string deviceId, CancellationToken cancel)
    {
        if (TryGetCached(deviceId, out var cached)) return cached;
        // The lookup is registered before it starts, so no caller can find a finished (maybe stale) one.
        var mine = new TaskCompletionSource<DeviceKeyInfo?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lookup = _lookups.GetOrAdd(deviceId, mine.Task);
        if (lookup == mine.Task) _ = LookUpAndStore(deviceId, mine);
        return await lookup.WaitAsync(cancel);
    }

    private async Task LookUpAndStore(string deviceId, TaskCompletionSource<DeviceKeyInfo?> completion)
    {
        long generation = Interlocked.Read(ref _generation);
        try
        {
            var info = await directory.LookupAsync(deviceId, CancellationToken.None);
            if (Interlocked.Read(ref _generation) == generation)
            {
                if (Interlocked.Increment(ref _count) > GatewayLimits.KeysCachedDevicesMax)
                {
                    _entries.Clear();
                    Interlocked.Exchange(ref _count, 1);
                }
                long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
                long expires = info is null ? now + UnknownTtlMs : long.MaxValue;
                _entries[deviceId] = new Entry(info, expires, now);
            }
            _lookups.TryRemove(new KeyValuePair<string, Task<DeviceKeyInfo?>>(deviceId, completion.Task));
            completion.SetResult(info);
        }
        catch (Exception e)
        {
            _lookups.TryRemove(new KeyValuePair<string, Task<DeviceKeyInfo?>>(deviceId, completion.Task));
            completion.SetException(e);
        }
    }

    /// <summary>
    /// Before refusing a reading on the cached answer: forgets it when it is older than
    /// <see cref="RecheckAfterMs"/> and says so (the caller asks again); false when the answer is
    /// fresh enough to be final.
    /// </summary>
    public bool ForgetIfStale(string deviceId)
    {
        // No entry: nothing cached to distrust (a lookup is on its way or the follower dropped it).
        if (!_entries.TryGetValue(deviceId, out var entry)) return false;
        if (_time.GetUtcNow().ToUnixTimeMilliseconds() - entry.FetchedAtMs < RecheckAfterMs) return false;
        // This entry only, and not the generation: a recheck must not make every lookup in flight
        // for other devices throw its answer away (a stream of forged readings would then keep
        // the whole cache empty). A lookup started now stores its fresh answer as usual.
        return _entries.TryRemove(new KeyValuePair<string, Entry>(deviceId, entry));
    }

    /// <summary>Forgets a device (its record changed on chain); the next reading asks again.</summary>
    public void Invalidate(string deviceId)
    {
        Interlocked.Increment(ref _generation);
        _entries.TryRemove(deviceId, out _);
    }

    /// <summary>Forgets everything (the event stream was interrupted: changes may have been missed).</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
        Interlocked.Exchange(ref _count, 0);
    }
}
