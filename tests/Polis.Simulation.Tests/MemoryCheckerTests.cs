using Polis.Consensus;
using Polis.Simulation;
using Polis.Simulation.Checkers;

namespace Polis.Simulation.Tests;

public sealed class MemoryCheckerTests
{
    [Fact]
    public void Anything_over_its_bound_is_a_violation_naming_the_buffer()
    {
        var options = new ConsensusOptions();
        var checker = new MemoryChecker(options, validators: 4);
        checker.Sample(0, "v0", round: 0, new EngineFootprint(1, 1, 4, 0, 0, 1_000), (Polis.Consensus.Gossip.HeightMessages<string>?)null, 10, 20_000, 0, 64, 0, 50_000);
        Assert.Empty(checker.Violations);
        checker.Sample(1, "v1", round: 0, new EngineFootprint(options.RoundsAheadMax + 2, 1, 4, 0, 0, 1_000), (Polis.Consensus.Gossip.HeightMessages<string>?)null, 10, 20_000, 0, 64, 0, 50_000);
        checker.Sample(2, "v2", round: 3, new EngineFootprint(1, 1, 4, options.FutureMessagesMax, options.FutureMessagesPerSenderMax + 1, 1_000), (Polis.Consensus.Gossip.HeightMessages<string>?)null, 10, 20_000, 65, 64, 0, 50_000);
        Assert.Equal(3, checker.Violations.Count);
        Assert.All(checker.Violations, v => Assert.Equal("memory", v.Checker));
        Assert.StartsWith("v1: rounds held 18 > bound 17", checker.Violations[0].Detail);
        Assert.StartsWith("v2: future messages of one sender", checker.Violations[1].Detail);
        Assert.StartsWith("v2: fetched blocks waiting 65 > bound 64", checker.Violations[2].Detail);
    }

    [Fact]
    public void Every_run_samples_every_validator_and_stays_within_bounds()
    {
        var result = SimulationRunner.Run(ScenarioBuilder.Build(Scenario.Mixed, 7, 10, seed: 3));
        Assert.True(result.Passed, string.Join("; ", result.Violations));
        Assert.True(result.EngineBytesMax > 0);
    }
}
