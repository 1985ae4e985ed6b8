namespace Polis.Simulation;

/// <summary>Partitions, crashes and restarts, all drawn from the seed before the run starts.</summary>
public sealed partial class Simulator
{
    private const long CrashDownMinMs = 200;
    private const long CrashDownMaxMs = 4_000;

    private void ScheduleFaults()
    {
        long window = _options.FaultWindowMs;
        _faultsHealedAt = window;
        if (_options.SplitBrain)
        {
            SplitBrain();
            return;
        }
        for (int p = 0; p < _options.Partitions; p++)
        {
            long start = NextLong(0, Math.Max(1, window - _options.PartitionMinMs));
            long end = Math.Min(window, start + NextLong(_options.PartitionMinMs, _options.PartitionMaxMs));
            var groups = new int[_nodes.Count];
            for (int i = 0; i < groups.Length; i++) groups[i] = _random.Next(2);
            _queue.At(start, () => _network.Partition(groups));
            _queue.At(end, Heal);
        }
        if (_options.Partitions > 0) _queue.At(window, Heal);

        var candidates = new List<SimNode>();
        foreach (var n in _nodes) if (n.IsHonest) candidates.Add(n);
        for (int c = 0; c < _options.Crashes && candidates.Count > 0; c++)
        {
            var node = candidates[_random.Next(candidates.Count)];
            candidates.Remove(node);
            long crashAt = NextLong(0, Math.Max(1, window - CrashDownMinMs));
            long restartAt = Math.Min(window, crashAt + NextLong(CrashDownMinMs, CrashDownMaxMs));
            bool midWrite = _random.NextDouble() < _options.MidWriteCrashRate;
            _queue.At(crashAt, () =>
            {
                if (midWrite) CrashMidWrite(node);
                else Crash(node);
            });
            _queue.At(restartAt, () => Boot(node));
        }
    }

    /// <summary>Honest validators split in two halves that never meet; each twin of a faulty key sits in one half.</summary>
    private void SplitBrain()
    {
        var groups = new int[_nodes.Count];
        int honestSeen = 0;
        var twinSeen = new HashSet<int>();
        foreach (var node in _nodes)
        {
            if (node.IsHonest) groups[node.Instance] = honestSeen++ % 2;
            else groups[node.Instance] = twinSeen.Add(node.ValidatorIndex) ? 0 : 1;
        }
        _network.Partition(groups);
    }

    /// <summary>kill -9: everything in memory is gone; of the disk, what was synced stays and the rest maybe (see <see cref="Disk.SimDisk"/>).</summary>
    private void Crash(SimNode node)
    {
        if (!node.IsUp) return;
        node.IsUp = false;
        node.Dying = false;
        node.Incarnation++;
        node.Crashes++;
        node.Mempool.Clear();
        node.CatchUp.Clear();
        node.Journal = null; // abandoned, not closed: a dead process flushes nothing
        Disconnect(node);
        node.Disk.Crash();
        MaybeDamageDisk(node);
    }

    private void Heal()
    {
        if (!_network.IsPartitioned) return;
        _network.Heal();
        Reconnect();
    }

    private long NextLong(long min, long max) => min >= max ? min : _random.NextInt64(min, max);
}
