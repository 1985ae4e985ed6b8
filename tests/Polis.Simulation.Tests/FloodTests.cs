using System.Collections.Concurrent;
using Polis.Simulation;

namespace Polis.Simulation.Tests;

/// <summary>
/// f validators flood distinct signed votes for made-up blocks (this height and the next) and
/// competing proposals. Safety and every memory bound must hold on every seed.
/// <para>
/// Progress is not asserted here, and that is an open item, not an oversight. A flooder that sends
/// more distinct votes in a round than a validator keeps of it (VoteSet.VotesPerValidatorMax in the
/// engine) before its real vote can hide that vote from some honest validators. If another honest
/// validator counted it in the polka it locked on, the others never see that polka and the height
/// can stall; some seeds here do (e.g. 4022 at 4 validators). Closing it needs peers' claims of a
/// two-thirds majority for a block, as CometBFT's VoteSetMaj23 does, so that a validator accepts a
/// conflicting vote for a block someone shows a quorum for. Issue 18 owns it.
/// </para>
/// </summary>
public sealed class FloodTests
{
    [Theory]
    [InlineData(4, 90)]
    [InlineData(7, 20)]
    public void A_flood_of_signed_messages_breaks_neither_safety_nor_any_memory_bound(int validators, int seeds)
    {
        var failures = new ConcurrentBag<string>();
        Parallel.For(1000 * validators, 1000 * validators + seeds * SeedSweep.Multiplier, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed =>
        {
            var result = SimulationRunner.Run(ScenarioBuilder.Build(Scenario.Flood, validators, heights: 12, seed));
            var beyondProgress = result.Violations.Where(v => v.Checker != "progress").Take(3).ToList();
            if (beyondProgress.Count > 0) failures.Add($"seed {seed}: {string.Join("; ", beyondProgress)}{Environment.NewLine}  replay: {result.ReplayCommand}");
        });
        Assert.True(failures.IsEmpty, string.Join(Environment.NewLine, failures.Take(5)));
    }
}
