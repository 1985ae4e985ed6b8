using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Polis.Modules.Devices;
using Polis.Core.Crypto;
using RocksDbSharp;

namespace Polis.Gateway;

/// <summary>
/// The single writer of accepted readings. It takes every verified submission waiting, checks each
/// reading's sequence number against its device's last accepted one (strictly increasing), writes
/// all accepted readings of the round in one synced RocksDB batch (group commit), and only then
/// completes the submissions, so nothing is acknowledged before it is durable. One owner of the
/// per-device sequence state: no locks on the hot path.
/// </summary>
internal sealed class ReadingCommitter : IAsyncDisposable
{

    private readonly GatewayStore _store;
    private readonly PendingReadings _pending;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger _log;
    private readonly int _queuedMax;
    private readonly Channel<CommitGroup> _queue = Channel.CreateUnbounded<CommitGroup>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private int _queued;

    // Owned by the loop.
    private readonly Dictionary<string, ulong?> _lastSequence = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ulong> _groupLast = new(StringComparer.Ordinal);
    private Dictionary<(string, ulong), byte[]>? _groupAccepted;
    private readonly List<Hash32> _leaves = new();
    private readonly List<long> _times = new();
    private readonly List<CommitGroup> _groups = new();

    public ReadingCommitter(GatewayStore store, PendingReadings pending, GatewayMetrics metrics, int queuedMax, ILogger log)
    {
        _store = store;
        _pending = pending;
        _metrics = metrics;
        _queuedMax = queuedMax;
        _log = log;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Raised (on the writer) after each group commit with the number of readings pending a batch.</summary>
    public event Action<int>? Committed;

    /// <summary>Queues a group; completes once its readings are durable (or refused: see the outcomes).</summary>
    public Task CommitAsync(CommitGroup group)
    {
        if (group.Count == 0) return Task.CompletedTask;
        if (Interlocked.Add(ref _queued, group.Count) > _queuedMax)
        {
            Interlocked.Add(ref _queued, -group.Count);
            group.SetAll(ReadingReason.Overloaded, "the gateway's queue is full; retry later");
            return Task.CompletedTask;
        }
        if (!_queue.Writer.TryWrite(group))
        {
            Interlocked.Add(ref _queued, -group.Count);
            group.SetAll(ReadingReason.Unavailable, "the gateway is shutting down");
            return Task.CompletedTask;
        }
        return group.Done.Task;
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            _groups.Clear();
            int readings = 0;
            while (readings < GatewayLimits.CommitGroupReadingsMax && reader.TryRead(out var group))
            {
                _groups.Add(group);
                readings += group.Count;
            }
            try
            {
                CommitGroups();
            }
            catch (Exception e)
            {
                // A bug or a failing disk: refuse this round rather than acknowledge what may not be stored.
                _log.LogError(e, "gateway: group commit failed");
                foreach (var g in _groups) g.SetAll(ReadingReason.Unavailable, "the gateway could not store the reading");
                _lastSequence.Clear();
            }
            Interlocked.Add(ref _queued, -readings);
            foreach (var g in _groups) g.Done.TrySetResult();
        }
    }

    private void CommitGroups()
    {
        _groupLast.Clear();
        _groupAccepted = null;
        _leaves.Clear();
        _times.Clear();
        var write = _store.BeginAccepted();
        ulong firstOrder = write.NextOrder;
        foreach (var g in _groups)
        {
            for (int i = 0; i < g.Count; i++)
            {
                var r = g.Readings[i];
                ulong? last = _groupLast.TryGetValue(r.DeviceId, out ulong inGroup) ? inGroup : LastSequence(r.DeviceId);
                if (last is null || r.Sequence > last.Value)
                {
                    write.Add(r.DeviceId, r.Sequence, r.Encoded);
                    _groupLast[r.DeviceId] = r.Sequence;
                    _groupAccepted?.Add((r.DeviceId, r.Sequence), r.Encoded);
                    _leaves.Add(g.Leaves[i]);
                    _times.Add(r.TimeMs);
                    g.Outcomes[g.Slots[i]] = new ReadingOutcome(ReadingReason.Accepted, r.DeviceId, r.Sequence, "");
                }
                else
                {
                    g.Outcomes[g.Slots[i]] = Classify(r, last.Value);
                }
            }
        }
        if (_leaves.Count == 0) return;
        foreach (var (device, sequence) in _groupLast) write.SetLastSequence(device, sequence);
        try
        {
            write.Commit();
        }
        catch (RocksDbException e)
        {
            _log.LogError("gateway: writing {Count} accepted readings failed: {Message}", _leaves.Count, e.Message);
            foreach (var g in _groups)
                for (int i = 0; i < g.Count; i++)
                    if (g.Outcomes[g.Slots[i]].Reason == ReadingReason.Accepted)
                        g.Outcomes[g.Slots[i]] = new ReadingOutcome(ReadingReason.Unavailable, g.Readings[i].DeviceId, g.Readings[i].Sequence, "the gateway could not store the reading");
            return;
        }
        if (_lastSequence.Count + _groupLast.Count > GatewayLimits.SequencesCachedDevicesMax) _lastSequence.Clear();
        foreach (var (device, sequence) in _groupLast) _lastSequence[device] = sequence;
        _pending.Append(firstOrder, _leaves, _times);
        _metrics.CommitGroups.Inc();
        _metrics.Unsealed.Set(_pending.Count);
        _metrics.Stored.Set(_store.NextOrder);
        Committed?.Invoke(_pending.Count);
    }

    private ulong? LastSequence(string deviceId)
    {
        if (_lastSequence.TryGetValue(deviceId, out var last)) return last;
        last = _store.LastSequence(deviceId);
        _lastSequence[deviceId] = last;
        return last;
    }

    /// <summary>A sequence number at or below the device's last: a retransmission of the same reading, a replay, or out of order.</summary>
    private ReadingOutcome Classify(Reading r, ulong last)
    {
        byte[]? earlier = AcceptedInThisGroup(r.DeviceId, r.Sequence);
        if (earlier is null && _store.OrderOf(r.DeviceId, r.Sequence) is { } order) earlier = _store.ReadingAt(order);
        if (earlier is not null)
        {
            return earlier.AsSpan().SequenceEqual(r.Encoded)
                ? new ReadingOutcome(ReadingReason.Duplicate, r.DeviceId, r.Sequence, "this reading was accepted before")
                : new ReadingOutcome(ReadingReason.Replayed, r.DeviceId, r.Sequence, $"sequence {r.Sequence} was already used by another reading of this device");
        }
        return new ReadingOutcome(ReadingReason.OutOfOrder, r.DeviceId, r.Sequence, $"sequence {r.Sequence} is below the last accepted {last}");
    }

    /// <summary>Readings accepted earlier in this round are not in the store yet; index them on first need.</summary>
    private byte[]? AcceptedInThisGroup(string deviceId, ulong sequence)
    {
        if (!_groupLast.ContainsKey(deviceId)) return null;
        if (_groupAccepted is null)
        {
            _groupAccepted = new Dictionary<(string, ulong), byte[]>();
            foreach (var g in _groups)
                for (int i = 0; i < g.Count; i++)
                    if (g.Outcomes[g.Slots[i]].Reason == ReadingReason.Accepted && g.Outcomes[g.Slots[i]].DeviceId is not null)
                        _groupAccepted[(g.Readings[i].DeviceId, g.Readings[i].Sequence)] = g.Readings[i].Encoded;
        }
        return _groupAccepted.TryGetValue((deviceId, sequence), out var bytes) ? bytes : null;
    }

    /// <summary>Stops taking submissions and writes everything already queued.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }
}
