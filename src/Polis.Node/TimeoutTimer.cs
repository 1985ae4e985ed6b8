using Polis.Consensus.Actions;

namespace Polis.Node;

/// <summary>
/// The engine's timeouts on one OS timer armed for the earliest one due. A Task.Delay per timeout
/// kept the runtime's timer thread busy when heights pass quickly (catching up: a few timeouts per
/// height, at tens of heights per second), and timeouts of heights already decided still fired.
/// Here those are dropped when the height moves on.
/// </summary>
internal sealed class TimeoutTimer : IDisposable
{
    private readonly PriorityQueue<ScheduleTimeout, long> _due = new();
    private readonly Action<ScheduleTimeout> _fire;
    private readonly Timer _timer;
    private readonly Lock _lock = new();
    private long _armedFor = long.MaxValue;
    private bool _disposed;

    public TimeoutTimer(Action<ScheduleTimeout> fire)
    {
        _fire = fire;
        _timer = new Timer(_ => OnTimer(), null, Timeout.Infinite, Timeout.Infinite);
    }

    public int Pending
    {
        get { lock (_lock) return _due.Count; }
    }

    public void Schedule(ScheduleTimeout timeout)
    {
        lock (_lock)
        {
            if (_disposed) return;
            long due = Environment.TickCount64 + Math.Max(0, timeout.DelayMs);
            _due.Enqueue(timeout, due);
            if (due < _armedFor) Arm(due);
        }
    }

    /// <summary>Forgets timeouts of heights below <paramref name="height"/>: the engine would ignore them.</summary>
    public void DropBelow(ulong height)
    {
        lock (_lock)
        {
            if (_due.Count == 0) return;
            var keep = new List<(ScheduleTimeout, long)>(_due.Count);
            foreach (var (timeout, due) in _due.UnorderedItems)
                if (timeout.Height >= height) keep.Add((timeout, due));
            if (keep.Count == _due.Count) return;
            _due.Clear();
            _due.EnqueueRange(keep);
        }
    }

    private void OnTimer()
    {
        List<ScheduleTimeout>? fired = null;
        lock (_lock)
        {
            if (_disposed) return;
            long now = Environment.TickCount64;
            while (_due.TryPeek(out var timeout, out long due) && due <= now)
            {
                _due.Dequeue();
                (fired ??= []).Add(timeout);
            }
            _armedFor = long.MaxValue;
            if (_due.TryPeek(out _, out long next)) Arm(next);
        }
        if (fired is not null) foreach (var timeout in fired) _fire(timeout);
    }

    private void Arm(long due)
    {
        _armedFor = due;
        _timer.Change(Math.Max(0, due - Environment.TickCount64), Timeout.Infinite);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _due.Clear();
        }
        _timer.Dispose();
    }
}
