using Polis.Simulation;

namespace Polis.Simulation.Tests;

/// <summary>
/// The default run covers more than 1,000 seeded runs: every scenario within the fault bound, at 4,
/// 7 and 10 validators. A failure names its seed and the command that replays it.
/// </summary>
public sealed class SimulationSweepTests
{
    public static TheoryData<Scenario, int, int> Sweeps()
    {
        var data = new TheoryData<Scenario, int, int>();
        foreach (var scenario in Enum.GetValues<Scenario>())
        {
            // BeyondFaultBound must break agreement; Flood's liveness is an open item (FloodTests).
            if (scenario is Scenario.BeyondFaultBound or Scenario.Flood) continue;
            data.Add(scenario, 4, 90);
            data.Add(scenario, 7, 20);
            data.Add(scenario, 10, 6);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Sweeps))]
    public void Every_seed_keeps_agreement_validity_no_double_signing_and_progress(Scenario scenario, int validators, int seeds)
    {
        var failures = SeedSweep.Run(scenario, validators, heights: 12, seeds * SeedSweep.Multiplier, firstSeed: 1000 * validators);
        Assert.True(failures.Count == 0, SeedSweep.Describe(failures));
    }
}
