namespace Polis.Simulation;

/// <summary>The virtual clock: events ordered by time, ties broken by insertion order, so runs replay exactly.</summary>
public sealed class EventQueue
{
    private readonly PriorityQueue<Action, (long Time, long Sequence)> _queue = new();
    private long _sequence;

    public long Now { get; private set; }
    public int Count => _queue.Count;

    public void At(long time, Action action) => _queue.Enqueue(action, (Math.Max(time, Now), _sequence++));
    public void After(long delayMs, Action action) => At(Now + delayMs, action);

    public bool RunNext(long until)
    {
        if (!_queue.TryPeek(out _, out var key) || key.Time > until) return false;
        var action = _queue.Dequeue();
        Now = key.Time;
        action();
        return true;
    }
}
