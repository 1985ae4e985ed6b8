using System.Collections.Concurrent;

namespace Polis.Network.Hosting;

/// <summary>
/// Runs the host's background work (accept loop, dialers, connections) and lets shutdown await
/// whatever is still running. A task's exception is logged and ends only that task.
/// </summary>
internal sealed class TaskTracker(Action<string> log)
{
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    public void Run(string what, Func<Task> work)
    {
        var task = Task.Run(async () =>
        {
            try
            {
                await work().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                log($"{what} failed: {e.GetType().Name}: {e.Message}");
            }
        });
        _running.TryAdd(task, 0);
        // Registered after the add, so a task that already finished is still removed.
        _ = task.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public Task WhenAll() => Task.WhenAll(_running.Keys);
}
