using Polis.Network.Dialing;

namespace Polis.Network.Tests;

public class BackoffTests
{
    [Fact]
    public void Grows_exponentially_within_bounds_and_resets()
    {
        var min = TimeSpan.FromMilliseconds(100);
        var max = TimeSpan.FromMilliseconds(1000);
        var backoff = new Backoff(min, max);
        var delays = Enumerable.Range(0, 8).Select(_ => backoff.Next()).ToList();
        Assert.All(delays, d => Assert.InRange(d, min, max));
        Assert.InRange(delays[0].TotalMilliseconds, 100, 125);
        Assert.InRange(delays[2].TotalMilliseconds, 300, 500);   // step 400 ± 25%
        Assert.InRange(delays[7].TotalMilliseconds, 750, 1000);  // capped step 1000, jittered down only
        backoff.Reset();
        Assert.InRange(backoff.Next().TotalMilliseconds, 100, 125);
    }
}
