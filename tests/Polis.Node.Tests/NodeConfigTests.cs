using Polis.Node.Config;

namespace Polis.Node.Tests;

public sealed class NodeConfigTests
{
    [Fact]
    public void The_defaults_pass_their_own_checks()
    {
        new NodeConfig().Check();
    }

    [Theory]
    [InlineData(1_000, 200, 1_000)]
    [InlineData(250, 1_500, 1_000)]
    public void A_proposer_wait_as_long_as_the_propose_timeout_is_refused_with_the_keys_named(long blockIntervalMinMs, long emptyBlockDelayMs, long timeoutProposeMs)
    {
        var config = new NodeConfig { BlockIntervalMinMs = blockIntervalMinMs, EmptyBlockDelayMs = emptyBlockDelayMs, TimeoutProposeMs = timeoutProposeMs };
        var e = Assert.Throws<FormatException>(config.Check);
        Assert.Contains("timeoutProposeMs", e.Message);
    }

    [Fact]
    public void A_negative_empty_block_delay_is_refused()
    {
        var e = Assert.Throws<FormatException>(new NodeConfig { EmptyBlockDelayMs = -1 }.Check);
        Assert.Contains("emptyBlockDelayMs", e.Message);
    }
}
