namespace Polis.Simulation;

/// <summary>
/// A seeded network between node instances: random delays, drops, duplicates, reordering, and
/// partitions into groups. Links are checked when a message is sent and again when it arrives.
/// </summary>
public sealed class SimNetwork(SimulationOptions options, Random random, EventQueue queue)
{
    private int[]? _group; // group of each instance; null = fully connected

    public long Sent { get; private set; }
    public long Dropped { get; private set; }
    public long Duplicated { get; private set; }

    public void Partition(int[] groupOfInstance) => _group = groupOfInstance;
    public void Heal() => _group = null;
    public bool IsPartitioned => _group is not null;

    public bool Connected(int a, int b) => _group is null || _group[a] == _group[b];

    public void Send(int from, int to, Action deliver, long extraDelayMs = 0)
    {
        Sent++;
        if (!Connected(from, to) || random.NextDouble() < options.DropRate)
        {
            Dropped++;
            return;
        }
        int copies = random.NextDouble() < options.DuplicateRate ? 2 : 1;
        if (copies == 2) Duplicated++;
        for (int i = 0; i < copies; i++)
        {
            long delay = extraDelayMs + random.Next(options.DelayMinMs, options.DelayMaxMs + 1);
            if (random.NextDouble() < options.ReorderRate) delay += random.Next(options.DelayMaxMs, 4 * options.DelayMaxMs + 1);
            queue.After(delay, () =>
            {
                if (Connected(from, to)) deliver();
                else Dropped++;
            });
        }
    }
}
