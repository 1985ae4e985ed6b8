using Polis.Simulation;
using Xunit.Abstractions;

namespace Polis.Simulation.Tests;

/// <summary>
/// A checker that never fails is not a checker. Each mutation (<see cref="Mutations"/>) undoes one
/// rule; a sweep of a bounded number of seeds must find a violation, and the checker that exists for
/// that rule must be the one to report it. The same seeds pass without the mutation.
/// </summary>
public sealed class SimulatorTeethTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(nameof(Mutations.IgnoreLock), Scenario.WithheldPrecommits, 4, "lock")]
    [InlineData(nameof(Mutations.IgnoreLock), Scenario.WithheldPrecommits, 7, "lock")]
    [InlineData(nameof(Mutations.PolkaNotRequired), Scenario.FakeValidRound, 4, "lock")]
    [InlineData(nameof(Mutations.PolkaNotRequired), Scenario.FakeValidRound, 7, "lock")]
    [InlineData(nameof(Mutations.LegacyWalRecovery), Scenario.DiskFaults, 4, "double-sign")]
    [InlineData(nameof(Mutations.QuorumTwoF), Scenario.Partition, 4, "polka")]
    [InlineData(Mutations.NoQuorumClaims, Scenario.Flood, 4, "progress")]
    public void The_checker_for_a_rule_catches_the_rule_broken_within_a_bounded_sweep(string mutation, Scenario scenario, int validators, string checker)
    {
        const int seedsMax = 300;
        var failures = SeedSweep.Run(scenario, validators, heights: 12, seedsMax, firstSeed: 1, mutation: mutation, stopAtFirstFailure: true);
        Assert.True(failures.Count > 0, $"{mutation} survived {seedsMax} seeds of {scenario} with {validators} validators");
        var first = failures[0];
        Assert.True(first.Violations.Any(v => v.Checker == checker),
            $"{mutation}: expected the {checker} checker, got: {string.Join("; ", first.Violations.Take(3))}{Environment.NewLine}replay: {first.ReplayCommand}");
        output.WriteLine($"{mutation} ({scenario}, {validators} validators): caught at seed {first.Options.Seed} by {string.Join(", ", first.Violations.Select(v => v.Checker).Distinct())}");
        var correct = SimulationRunner.Run(ScenarioBuilder.Build(scenario, validators, 12, first.Options.Seed));
        Assert.True(correct.Passed, $"seed {first.Options.Seed} fails without the mutation too: {string.Join("; ", correct.Violations.Take(3))}");
    }

    [Fact]
    public void A_quorum_of_2f_is_caught_as_an_agreement_violation_across_a_partition_and_the_correct_quorum_stays_safe()
    {
        var broken = RunSplit(nameof(Mutations.QuorumTwoF), seeds: 10);
        Assert.True(broken.Any(f => f.Violations.Any(v => v.Checker == "agreement")), SeedSweep.Describe(broken));
        var correct = RunSplit(null, seeds: 10);
        Assert.True(correct.Count == 0, SeedSweep.Describe(correct));
    }

    /// <summary>Honest validators split in two halves for the whole run (no Byzantine ones): a correct engine stalls but stays safe.</summary>
    private static List<SimulationResult> RunSplit(string? mutation, int seeds)
    {
        var failures = new List<SimulationResult>();
        for (int seed = 1; seed <= seeds; seed++)
        {
            var options = Mutations.Apply(new SimulationOptions
            {
                Validators = 4, Heights = 3, Seed = seed, Scenario = Scenario.Partition, SplitBrain = true, ProgressBoundMs = 20_000,
                StopAtFirstViolation = false,
            }, mutation);
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
        var a = SimulationRunner.Run(ScenarioBuilder.Build(Scenario.Mixed, 7, 10, seed: 42));
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
