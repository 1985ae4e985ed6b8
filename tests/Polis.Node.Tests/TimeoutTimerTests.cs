using System.Collections.Concurrent;
using Polis.Consensus;
using Polis.Consensus.Actions;
using Xunit;

namespace Polis.Node.Tests;

public sealed class TimeoutTimerTests
{
    [Fact]
    public async Task Timeouts_fire_in_order_of_their_due_time_whatever_the_order_they_were_scheduled_in()
    {
        var fired = new ConcurrentQueue<ScheduleTimeout>();
        using var timer = new TimeoutTimer(fired.Enqueue);
        timer.Schedule(new ScheduleTimeout(5, 0, Step.Precommit, 300));
        timer.Schedule(new ScheduleTimeout(5, 0, Step.Propose, 50));
        timer.Schedule(new ScheduleTimeout(5, 0, Step.Prevote, 150));
        await WaitFor(() => fired.Count == 3);
        Assert.Equal([Step.Propose, Step.Prevote, Step.Precommit], fired.Select(t => t.Step));
        Assert.Equal(0, timer.Pending);
    }

    [Fact]
    public async Task Timeouts_of_decided_heights_are_dropped_and_never_fire()
    {
        var fired = new ConcurrentQueue<ScheduleTimeout>();
        using var timer = new TimeoutTimer(fired.Enqueue);
        timer.Schedule(new ScheduleTimeout(7, 0, Step.Propose, 100));
        timer.Schedule(new ScheduleTimeout(7, 1, Step.Prevote, 120));
        timer.Schedule(new ScheduleTimeout(8, 0, Step.Propose, 200));
        timer.DropBelow(8);
        Assert.Equal(1, timer.Pending);
        await WaitFor(() => !fired.IsEmpty);
        await Task.Delay(200);
        Assert.Equal(8UL, Assert.Single(fired).Height);
    }

    [Fact]
    public async Task Nothing_fires_after_dispose()
    {
        var fired = new ConcurrentQueue<ScheduleTimeout>();
        var timer = new TimeoutTimer(fired.Enqueue);
        timer.Schedule(new ScheduleTimeout(1, 0, Step.Propose, 50));
        timer.Dispose();
        timer.Schedule(new ScheduleTimeout(1, 1, Step.Propose, 10));
        await Task.Delay(250);
        Assert.Empty(fired);
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }
}
