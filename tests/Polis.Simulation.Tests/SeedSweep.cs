using System.Collections.Concurrent;
using Polis.Simulation;

namespace Polis.Simulation.Tests;

/// <summary>Runs many seeds of a scenario across the cores and collects the failures with their replay commands.</summary>
internal static class SeedSweep
{
    /// <summary>POLIS_SIM_SEEDS multiplies the default seed counts (e.g. 20 for a soak run).</summary>
    public static int Multiplier => int.TryParse(Environment.GetEnvironmentVariable("POLIS_SIM_SEEDS"), out int m) && m > 0 ? m : 1;

    public static IReadOnlyList<SimulationResult> Run(Scenario scenario, int validators, ulong heights, int seeds, int firstSeed = 1,
        string? mutation = null, bool stopAtFirstFailure = false, Func<SimulationOptions, SimulationOptions>? adjust = null)
    {
        var failures = new ConcurrentBag<SimulationResult>();
        int stop = 0;
        Parallel.For(firstSeed, firstSeed + seeds, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed =>
        {
            if (stopAtFirstFailure && Volatile.Read(ref stop) != 0) return;
            var options = Mutations.Apply(ScenarioBuilder.Build(scenario, validators, heights, seed), mutation);
            if (adjust is not null) options = adjust(options);
            var result = SimulationRunner.Run(options);
            if (!result.Passed)
            {
                failures.Add(result);
                Interlocked.Exchange(ref stop, 1);
            }
        });
        return failures.OrderBy(r => r.Options.Seed).ToList();
    }

    public static string Describe(IReadOnlyList<SimulationResult> failures) =>
        string.Join(Environment.NewLine, failures.Take(5).Select(f =>
            $"seed {f.Options.Seed}: {string.Join("; ", f.Violations.Take(3))}{Environment.NewLine}  replay: {f.ReplayCommand}"));
}
