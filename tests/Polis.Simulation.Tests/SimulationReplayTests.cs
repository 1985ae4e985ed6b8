using Polis.Simulation;
using Xunit.Abstractions;

namespace Polis.Simulation.Tests;

/// <summary>Replays a failing run from the command it printed (POLIS_SIM_REPLAY), mutation included; without it, checks that replay is exact.</summary>
public sealed class SimulationReplayTests(ITestOutputHelper output)
{
    [Fact]
    public void The_run_in_POLIS_SIM_REPLAY_replays_or_a_printed_command_replays_the_same_run()
    {
        string? json = Environment.GetEnvironmentVariable(SimulationReplay.EnvironmentVariable);
        if (json is not null)
        {
            var replayed = SimulationReplay.FromJson(json);
            replayed = Mutations.Apply(replayed with { Mutation = null }, replayed.Mutation) with { Trace = output.WriteLine };
            var result = SimulationRunner.Run(replayed);
            Assert.True(result.Passed, string.Join(Environment.NewLine, result.Violations.Select(v => v.ToString()).Concat(result.NodeStates)));
            return;
        }
        var options = Mutations.Apply(ScenarioBuilder.Build(Scenario.Mixed, 7, 8, seed: 5) with { DropRate = 0.07 }, nameof(Mutations.IgnoreLock));
        string command = SimulationReplay.Command(options);
        Assert.Contains("POLIS_SIM_REPLAY=", command);
        Assert.Contains("IgnoreLock", command);
        var fromCommand = SimulationReplay.FromJson(command[(command.IndexOf('\'') + 1)..command.LastIndexOf('\'')]);
        Assert.Equal(SimulationReplay.ToJson(options), SimulationReplay.ToJson(fromCommand));
        var again = Mutations.Apply(fromCommand with { Mutation = null }, fromCommand.Mutation);
        var a = SimulationRunner.Run(options);
        var b = SimulationRunner.Run(again);
        Assert.Equal((a.VirtualTimeMs, a.MessagesSent, a.TransactionsCommitted), (b.VirtualTimeMs, b.MessagesSent, b.TransactionsCommitted));
    }

    [Fact]
    public void A_run_the_scenario_builder_makes_replays_with_four_flags_and_any_other_with_all_its_options()
    {
        var built = ScenarioBuilder.Build(Scenario.Partition, 4, 12, seed: 9);
        Assert.EndsWith("sim --validators 4 --heights 12 --seed 9 --scenario Partition", SimulationReplay.Command(built));
        var custom = built with { SplitBrain = true, ProgressBoundMs = 20_000 };
        string command = SimulationReplay.Command(custom);
        Assert.Contains("--replay '", command);
        Assert.Contains("\"SplitBrain\":true", command);
    }
}
