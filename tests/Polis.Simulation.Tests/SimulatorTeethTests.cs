using Polis.Consensus;
using Polis.Simulation;

namespace Polis.Simulation.Tests;

/// <summary>A checker that never fails is not a checker: these runs must fail, and the checkers must say so.</summary>
public sealed class SimulatorTeethTests
{
    [Fact]
    public void Ignoring_the_lock_rule_is_caught_as_an_agreement_violation()
    {
        var broken = new ConsensusOptions { Mutation = ConsensusMutation.IgnoreLock };
        var failures = FindFailures(broken, [Scenario.Lossy, Scenario.Partition, Scenario.Mixed, Scenario.Twins], seedsPerScenario: 150);
        Assert.Contains(failures, f => f.Violations.Any(v => v.Checker == "agreement"));
    }

    [Fact]
    public void A_quorum_of_2f_instead_of_2f_plus_1_is_caught_as_an_agreement_violation()
    {
        var broken = new ConsensusOptions { Mutation = ConsensusMutation.QuorumTwoF };
        var failures = FindFailures(broken, [Scenario.Partition, Scenario.Lossy, Scenario.Twins], seedsPerScenario: 100);
        Assert.Contains(failures, f => f.Violations.Any(v => v.Checker == "agreement"));
    }

    [Fact]
    public void With_f_plus_1_byzantine_validators_the_agreement_checker_reports_the_split()
    {
        var failures = SeedSweep.Run(Scenario.BeyondFaultBound, validators: 4, heights: 5, seeds: 20, stopAtFirstFailure: true);
        var failure = Assert.Single(failures.Take(1));
        Assert.Contains(failure.Violations, v => v.Checker == "agreement");
    }

    [Fact]
    public void The_same_seed_replays_exactly()
    {
        var options = ScenarioBuilder.Build(Scenario.Mixed, 7, 10, seed: 42);
        var a = SimulationRunner.Run(options);
        var b = SimulationRunner.Run(ScenarioBuilder.Build(Scenario.Mixed, 7, 10, seed: 42));
        Assert.Equal(a.VirtualTimeMs, b.VirtualTimeMs);
        Assert.Equal(a.MessagesSent, b.MessagesSent);
        Assert.Equal(a.Nodes, b.Nodes);
        Assert.Equal(a.TransactionsCommitted, b.TransactionsCommitted);
    }

    [Fact]
    public void Runs_commit_transactions_and_crashed_validators_catch_up()
    {
        var result = SimulationRunner.Run(ScenarioBuilder.Build(Scenario.CrashRestart, 4, 15, seed: 3));
        Assert.True(result.Passed, string.Join("; ", result.Violations));
        Assert.True(result.TransactionsCommitted > 0, "blocks should not be empty");
        Assert.True(result.Crashes >= 1);
        Assert.All(result.Nodes, n => Assert.True(n.Height >= 15));
    }

    private static List<SimulationResult> FindFailures(ConsensusOptions broken, Scenario[] scenarios, int seedsPerScenario)
    {
        var failures = new List<SimulationResult>();
        foreach (var scenario in scenarios)
        {
            failures.AddRange(SeedSweep.Run(scenario, validators: 4, heights: 12, seedsPerScenario, consensus: broken, stopAtFirstFailure: true));
            if (failures.Any(f => f.Violations.Any(v => v.Checker == "agreement"))) break;
        }
        return failures;
    }
}
