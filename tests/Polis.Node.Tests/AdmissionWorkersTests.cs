using Polis.Node.Mempool;

namespace Polis.Node.Tests;

public sealed class AdmissionWorkersTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Work_runs_on_a_worker_of_lower_os_priority_and_returns_its_result()
    {
        using var workers = new AdmissionWorkers(2, 100, e => Assert.Fail(e.ToString()));
        var task = workers.TryRun(1, () => (Environment.CurrentManagedThreadId, Nice: OwnNice()));
        Assert.NotNull(task);
        var (thread, nice) = await task.WaitAsync(Patience);
        Assert.NotEqual(Environment.CurrentManagedThreadId, thread);
        if (OperatingSystem.IsLinux()) Assert.Equal(AdmissionWorkers.Nice, nice);
    }

    [Fact]
    public async Task Beyond_the_bound_work_is_refused_until_pending_work_is_done_and_work_larger_than_the_bound_runs_alone()
    {
        using var workers = new AdmissionWorkers(1, 10, e => Assert.Fail(e.ToString()));
        using var gate = new ManualResetEventSlim();
        var blocked = workers.TryRun(8, () => gate.Wait(Patience));
        Assert.NotNull(blocked);
        Assert.Null(workers.TryRun(3, () => true));
        Assert.False(workers.TryPost(5, () => { }));
        var fits = workers.TryRun(2, () => true);
        Assert.NotNull(fits);
        gate.Set();
        Assert.True(await blocked.WaitAsync(Patience));
        Assert.True(await fits.WaitAsync(Patience));
        await WaitUntil(() => workers.PendingTxs == 0);
        var large = workers.TryRun(50, () => true);
        Assert.NotNull(large);
        Assert.True(await large.WaitAsync(Patience));
    }

    [Fact]
    public async Task An_exception_in_work_reaches_its_caller_or_the_error_handler_and_the_worker_goes_on()
    {
        var errors = new List<Exception>();
        using var workers = new AdmissionWorkers(1, 100, e => { lock (errors) errors.Add(e); });
        var failing = workers.TryRun<int>(1, () => throw new InvalidOperationException("run"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing!.WaitAsync(Patience));
        Assert.True(workers.TryPost(1, () => throw new InvalidOperationException("post")));
        await WaitUntil(() => { lock (errors) return errors.Count == 1; });
        Assert.Equal(7, await workers.TryRun(1, () => 7)!.WaitAsync(Patience));
    }

    [Fact]
    public async Task Disposing_drops_queued_work_and_cancels_its_callers()
    {
        var workers = new AdmissionWorkers(1, 100, e => Assert.Fail(e.ToString()));
        using var gate = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        var inHand = workers.TryRun(1, () =>
        {
            started.Set();
            return gate.Wait(Patience);
        })!;
        bool ranQueued = false;
        var queued = workers.TryRun(1, () => ranQueued = true)!;
        Assert.True(started.Wait(Patience));
        var disposing = Task.Run(workers.Dispose);
        await Task.Delay(100);
        gate.Set();
        await disposing.WaitAsync(Patience);
        Assert.True(await inHand);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        Assert.False(ranQueued);
        Assert.Null(workers.TryRun(1, () => true));
    }

    private static int OwnNice()
    {
        // /proc/thread-self/stat: the 19th field is the nice value (after the parenthesised command).
        string stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16]);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }
}
