using Polis.Consensus;
using Polis.Simulation;

namespace Polis.Simulation.Tests;

/// <summary>A checker that never fails is not a checker: these runs must fail, and the checkers must say so.</summary>
public sealed class SimulatorTeethTests
{
    [Fact]
    public void A_quorum_of_2f_instead_of_2f_plus_1_is_caught_as_an_agreement_violation_across_a_partition()
    {
        var broken = new ConsensusOptions { Rules = new QuorumTwoF() };
        var failures = RunSplit(broken, seeds: 10);
        Assert.True(failures.Any(f => f.Violations.Any(v => v.Checker == "agreement")), SeedSweep.Describe(failures));
    }

    [Fact]
    public void The_same_partition_with_the_correct_quorum_keeps_agreement()
    {
        var failures = RunSplit(new ConsensusOptions(), seeds: 10);
        Assert.True(failures.Count == 0, SeedSweep.Describe(failures));
    }

    [Fact]
    public void A_quorum_of_2f_is_also_caught_by_the_other_checkers_in_ordinary_partitions()
    {
        var broken = new ConsensusOptions { Rules = new QuorumTwoF() };
        var failures = SeedSweep.Run(Scenario.Partition, validators: 4, heights: 12, seeds: 20, consensus: broken, stopAtFirstFailure: true);
        Assert.NotEmpty(failures);
    }

    /// <summary>Honest validators split in two halves for the whole run (no Byzantine ones): a correct engine stalls but stays safe.</summary>
    private static List<SimulationResult> RunSplit(ConsensusOptions consensus, int seeds)
    {
        var failures = new List<SimulationResult>();
        for (int seed = 1; seed <= seeds; seed++)
        {
            var options = new SimulationOptions
            {
                Validators = 4, Heights = 3, Seed = seed, Scenario = Scenario.Partition, SplitBrain = true,
                Consensus = consensus, ProgressBoundMs = 20_000,
            };
            var result = SimulationRunner.Run(options);
            if (!result.Passed) failures.Add(result);
        }
        return failures;
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
}
