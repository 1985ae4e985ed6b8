using System.Collections.Concurrent;
using Polis.Simulation;

namespace Polis.Simulation.Tests;

/// <summary>
/// f validators flood distinct signed votes for made-up blocks (this height and the next),
/// competing proposals and lying quorum claims. Safety, progress and every memory bound must hold
/// on every seed.
/// <para>
/// Progress is what quorum claims (CometBFT's VoteSetMaj23) buy: a flooder that sends more distinct
/// votes in a round than a validator keeps of it (VoteSet.VotesPerValidatorMax) before its real
/// vote hides that vote from some honest validators; when another honest validator counted it in
/// the polka it locked on, the others never saw that polka and the height stalled (seeds 4022 and
/// 4030 at 4 validators did). The teeth test switches the claims off and finds such a stall.
/// </para>
/// </summary>
public sealed class FloodTests
{
    [Theory]
    [InlineData(4, 90)]
    [InlineData(7, 20)]
    public void A_flood_of_signed_messages_breaks_neither_safety_nor_progress_nor_any_memory_bound(int validators, int seeds)
    {
        var failures = new ConcurrentBag<string>();
        Parallel.For(1000 * validators, 1000 * validators + seeds * SeedSweep.Multiplier, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed =>
        {
            var result = SimulationRunner.Run(ScenarioBuilder.Build(Scenario.Flood, validators, heights: 12, seed));
            if (!result.Passed) failures.Add($"seed {seed}: {string.Join("; ", result.Violations.Take(3))}{Environment.NewLine}  replay: {result.ReplayCommand}");
        });
        Assert.True(failures.IsEmpty, string.Join(Environment.NewLine, failures.Take(5)));
    }
}
