namespace Polis.Node;

/// <summary>
/// Tells waiters that a height was committed. Followers of the chain (the event stream) wait on it
/// and then read what they need from the block store, so a slow follower falls behind and catches
/// up from the store instead of losing blocks or holding the node's memory. Thread-safe.
/// </summary>
public sealed class CommitSignal(ulong height)
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ulong _height = height;

    public ulong Height => Volatile.Read(ref _height);

    /// <summary>Called by the node's loop after each commit.</summary>
    public void Signal(ulong height)
    {
        TaskCompletionSource fired;
        lock (_gate)
        {
            Volatile.Write(ref _height, height);
            fired = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        fired.TrySetResult();
    }

    /// <summary>Completes once the committed height is above <paramref name="height"/> (at once if it already is).</summary>
    public async Task WaitAboveAsync(ulong height, CancellationToken cancel)
    {
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (_height > height) return;
                next = _next.Task;
            }
            await next.WaitAsync(cancel);
        }
    }
}
