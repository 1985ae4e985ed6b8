namespace Polis.Simulation;

/// <summary>Turns (scenario, size, seed) into concrete options; the seed also picks which validators are faulty.</summary>
public static class ScenarioBuilder
{
    public static SimulationOptions Build(Scenario scenario, int validators, ulong heights, int seed, Polis.Consensus.ConsensusOptions? consensus = null)
    {
        if (validators < 1) throw new ArgumentOutOfRangeException(nameof(validators), "at least one validator");
        var random = new Random(seed ^ 0x5eed);
        int f = (validators - 1) / 3;
        var order = Enumerable.Range(0, validators).OrderBy(_ => random.Next()).ToArray();
        Dictionary<int, ByzantineBehavior> Byzantine(ByzantineBehavior behavior, int count) =>
            order.Take(count).ToDictionary(i => i, _ => behavior);

        var defaults = new SimulationOptions();
        var o = new SimulationOptions
        {
            Validators = validators,
            Heights = heights,
            Seed = seed,
            Scenario = scenario,
            Consensus = consensus ?? defaults.Consensus,
        };
        return scenario switch
        {
            Scenario.Clean => o,
            Scenario.Lossy => With(o, dropRate: 0.15, duplicateRate: 0.1, reorderRate: 0.2, delayMax: 200),
            Scenario.Partition => With(o, partitions: 1 + random.Next(3), window: 15_000),
            Scenario.CrashRestart => With(o, crashes: Math.Max(1, f), window: 12_000),
            Scenario.DiskFaults => With(o, crashes: Math.Max(1, f), window: 12_000) with { DiskDamageRate = 0.7, MidWriteCrashRate = 0.7 },
            Scenario.EquivocatingProposer => With(o, byzantine: Byzantine(ByzantineBehavior.EquivocatingProposer, f)),
            Scenario.DoubleVote => With(o, byzantine: Byzantine(ByzantineBehavior.DoubleVote, f)),
            Scenario.InvalidBlocks => With(o, byzantine: Byzantine(ByzantineBehavior.InvalidBlocks, f)),
            // As in the Twins paper: the twins sit on both sides of short partitions that change every few rounds.
            Scenario.Twins => With(o, byzantine: Byzantine(ByzantineBehavior.Twins, f), dropRate: 0.05, partitions: 12, window: 8_000,
                partitionMinMs: 150, partitionMaxMs: 900),
            Scenario.WithheldPrecommits => With(o, byzantine: Byzantine(ByzantineBehavior.WithholdPrecommit, f), window: 12_000) with { TargetedDelays = true },
            Scenario.FakeValidRound => With(o, byzantine: Byzantine(ByzantineBehavior.FakeValidRound, f), window: 12_000) with { TargetedDelays = true },
            Scenario.LaggingRepair => With(o, crashes: Math.Max(1, f), window: 12_000) with { TargetedDelays = true },
            Scenario.Flood => With(o, byzantine: Byzantine(ByzantineBehavior.Flood, f)),
            Scenario.Mixed => Mixed(o, random, order, f),
            Scenario.BeyondFaultBound => With(o, byzantine: Byzantine(ByzantineBehavior.Twins, f + 1), splitBrain: true),
            _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
        };
    }

    private static SimulationOptions Mixed(SimulationOptions o, Random random, int[] order, int f)
    {
        ByzantineBehavior[] kinds = [ByzantineBehavior.EquivocatingProposer, ByzantineBehavior.DoubleVote, ByzantineBehavior.InvalidBlocks, ByzantineBehavior.Twins,
            ByzantineBehavior.WithholdPrecommit, ByzantineBehavior.FakeValidRound];
        int byzantine = f == 0 ? 0 : random.Next(f + 1);
        var map = new Dictionary<int, ByzantineBehavior>();
        for (int i = 0; i < byzantine; i++) map[order[i]] = kinds[random.Next(kinds.Length)];
        var mixed = With(o, byzantine: map, crashes: f - byzantine, partitions: random.Next(3), window: 12_000,
            dropRate: random.NextDouble() * 0.1, duplicateRate: random.NextDouble() * 0.1, reorderRate: 0.1, delayMax: 40 + random.Next(160));
        mixed = mixed with { TargetedDelays = random.Next(2) == 0, DiskDamageRate = random.Next(3) == 0 ? 0.5 : 0 };
        return o.Seed % 2 == 1 ? mixed with { Powers = UnequalPowers(random, o.Validators, order.Take(f).ToHashSet()) } : mixed;
    }

    /// <summary>
    /// Powers 1..10 at random, then raised on honest validators until the f that may be faulty (the
    /// Byzantine ones and those the simulator crashes, chosen by power) hold less than a third.
    /// </summary>
    public static ulong[] UnequalPowers(Random random, int validators, IReadOnlySet<int> faulty)
    {
        var powers = new ulong[validators];
        for (int i = 0; i < validators; i++) powers[i] = (ulong)random.Next(1, 11);
        // The faulty budget is the f heaviest: any f of them may crash or lie.
        ulong Budget() => powers.OrderByDescending(p => p).Take(faulty.Count).Aggregate(0UL, (a, p) => a + p);
        ulong Total() => powers.Aggregate(0UL, (a, p) => a + p);
        while (faulty.Count > 0 && 3 * Budget() >= Total())
        {
            int lightest = 0;
            for (int i = 1; i < validators; i++) if (powers[i] < powers[lightest]) lightest = i;
            powers[lightest]++;
        }
        return powers;
    }

    private static SimulationOptions With(SimulationOptions o, Dictionary<int, ByzantineBehavior>? byzantine = null, int crashes = 0,
        int partitions = 0, long window = 0, double dropRate = 0, double duplicateRate = 0, double? reorderRate = null, int? delayMax = null,
        bool splitBrain = false, long partitionMinMs = 500, long partitionMaxMs = 5_000) => o with
    {
        Byzantine = byzantine ?? new Dictionary<int, ByzantineBehavior>(),
        Crashes = crashes,
        Partitions = partitions,
        FaultWindowMs = window,
        DropRate = dropRate,
        DuplicateRate = duplicateRate,
        ReorderRate = reorderRate ?? o.ReorderRate,
        DelayMaxMs = delayMax ?? o.DelayMaxMs,
        SplitBrain = splitBrain,
        PartitionMinMs = partitionMinMs,
        PartitionMaxMs = partitionMaxMs,
    };
}
