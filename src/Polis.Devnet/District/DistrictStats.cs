using System.Collections.Concurrent;

namespace Polis.Devnet.District;

/// <summary>What the simulated district has published and what the gateway answered, for the live view.</summary>
public sealed class DistrictStats
{
    private long _published;
    private long _accepted;
    private long _rejected;
    private long _badAccepted;
    private readonly ConcurrentDictionary<string, long> _rejectedByReason = new();
    private readonly ConcurrentQueue<(string DeviceId, ulong Sequence, long TimeMs)> _recent = new();

    public long Published => Interlocked.Read(ref _published);
    public long Accepted => Interlocked.Read(ref _accepted);
    public long Rejected => Interlocked.Read(ref _rejected);
    public IReadOnlyDictionary<string, long> RejectedByReason => _rejectedByReason;
    /// <summary>Forged or replayed readings the gateway accepted: must stay 0.</summary>
    public long BadAccepted => Interlocked.Read(ref _badAccepted);

    public void OnBadAccepted() => Interlocked.Increment(ref _badAccepted);

    public void OnPublished() => Interlocked.Increment(ref _published);

    public void OnAccepted(string deviceId, ulong sequence, long timeMs)
    {
        Interlocked.Increment(ref _accepted);
        _recent.Enqueue((deviceId, sequence, timeMs));
        while (_recent.Count > 10_000) _recent.TryDequeue(out _);
    }

    public void OnRejected(string reason)
    {
        Interlocked.Increment(ref _rejected);
        _rejectedByReason.AddOrUpdate(reason, 1, (_, n) => n + 1);
    }

    /// <summary>An accepted reading at least <paramref name="minAgeMs"/> old (so its batch is likely anchored), picked at random.</summary>
    public (string DeviceId, ulong Sequence, long TimeMs)? PickSettled(long nowMs, long minAgeMs, Random random)
    {
        var settled = _recent.Where(r => nowMs - r.TimeMs >= minAgeMs).ToArray();
        return settled.Length == 0 ? null : settled[random.Next(settled.Length)];
    }
}
