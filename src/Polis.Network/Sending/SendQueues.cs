using System.Collections.Concurrent;

namespace Polis.Network.Sending;

/// <summary>
/// One bounded queue per channel for one peer, many producers, one consumer (the peer's writer).
/// Bounded in frames and in bytes: a peer that stops reading pins at most that many bytes per
/// channel (a frame larger than the byte bound still goes when its queue is empty).
/// Enqueueing never blocks: a full queue refuses, which is the caller's backpressure signal. The
/// consumer drains by channel priority and sleeps on a semaphore only after announcing it, so a
/// producer wakes it at most once per sleep instead of once per message.
/// </summary>
internal sealed class SendQueues
{
    private readonly ConcurrentQueue<ReadOnlyMemory<byte>>[] _queues;
    private readonly int[] _counts;
    private readonly long[] _bytes;
    private readonly int _capacity;
    private readonly long _bytesMax;
    private readonly SemaphoreSlim _wake = new(0);
    private int _consumerWaiting;

    public SendQueues(int capacityPerChannel, long bytesPerChannel = long.MaxValue)
    {
        _capacity = capacityPerChannel;
        _bytesMax = bytesPerChannel;
        _bytes = new long[Channels.Count];
        _queues = new ConcurrentQueue<ReadOnlyMemory<byte>>[Channels.Count];
        for (int i = 0; i < _queues.Length; i++) _queues[i] = new ConcurrentQueue<ReadOnlyMemory<byte>>();
        _counts = new int[Channels.Count];
    }

    public int Count(Channel channel) => Volatile.Read(ref _counts[Channels.Index(channel)]);

    public long Bytes(Channel channel) => Interlocked.Read(ref _bytes[Channels.Index(channel)]);

    public bool TryEnqueue(Channel channel, ReadOnlyMemory<byte> payload)
    {
        int index = Channels.Index(channel);
        // Reserve a slot first so concurrent producers can never overshoot the bound.
        if (Interlocked.Increment(ref _counts[index]) > _capacity)
        {
            Interlocked.Decrement(ref _counts[index]);
            return false;
        }
        long bytes = Interlocked.Add(ref _bytes[index], payload.Length);
        if (bytes > _bytesMax && bytes != payload.Length)
        {
            Interlocked.Add(ref _bytes[index], -payload.Length);
            Interlocked.Decrement(ref _counts[index]);
            return false;
        }
        _queues[index].Enqueue(payload);
        if (Interlocked.Exchange(ref _consumerWaiting, 0) == 1) _wake.Release();
        return true;
    }

    /// <summary>The next frame by priority (<see cref="Channels.DrainOrder"/>), if any.</summary>
    public bool TryDequeue(out Channel channel, out ReadOnlyMemory<byte> payload)
    {
        foreach (var candidate in Channels.DrainOrder)
        {
            int index = Channels.Index(candidate);
            if (_queues[index].TryDequeue(out payload))
            {
                Interlocked.Add(ref _bytes[index], -payload.Length);
                Interlocked.Decrement(ref _counts[index]);
                channel = candidate;
                return true;
            }
        }
        channel = default;
        payload = default;
        return false;
    }

    /// <summary>Returns when something may be queued. Spurious wake-ups are possible and harmless.</summary>
    public async ValueTask WaitAsync(CancellationToken ct)
    {
        // Announce first, then re-check (both full fences): a producer that enqueued before the
        // announcement is seen by the re-check, one after it sees the flag and releases.
        Interlocked.Exchange(ref _consumerWaiting, 1);
        if (!IsEmpty)
        {
            Interlocked.Exchange(ref _consumerWaiting, 0);
            return;
        }
        await _wake.WaitAsync(ct).ConfigureAwait(false);
    }

    private bool IsEmpty
    {
        get
        {
            foreach (var queue in _queues)
                if (!queue.IsEmpty) return false;
            return true;
        }
    }
}
