using Polis.Consensus.Wal;
using Polis.Simulation.Checkers;
using Polis.Simulation.Disk;

namespace Polis.Simulation;

/// <summary>
/// Each validator's consensus journal: the node's real code (<see cref="ConsensusJournal"/>) on a
/// simulated disk that loses unsynced writes, tears the last one and damages sectors. Damage must
/// be reported (the journal refuses or warns); a refused node stays down until the "operator"
/// runs the repair the node's message names.
/// </summary>
public sealed partial class Simulator
{
    /// <summary>How long an operator takes to check the disk and run <c>polis node wal-recover</c>.</summary>
    private const long OperatorRepairMs = 3_000;

    private bool OpenJournal(SimNode node)
    {
        try
        {
            node.Journal = ConsensusJournal.Open(node.Disk, ChainIdValue, _options.WalRules, _options.WalCompactAtBytes, committedHeight: node.Height);
        }
        catch (WalCorruptException e)
        {
            node.JournalRefusals++;
            node.UnreportedDamage.Clear();
            _options.Trace?.Invoke($"{_queue.Now,7} {node.Name,-14} journal refused: {e.Message}");
            int incarnation = node.Incarnation;
            _queue.After(OperatorRepairMs, () =>
            {
                if (node.IsUp || node.Incarnation != incarnation) return;
                RepairJournal(node);
                Boot(node);
            });
            return false;
        }
        if (node.UnreportedDamage.Count > 0 && node.Journal.Warnings.Count == 0)
            _violations.Add(new Violation("disk", _queue.Now, $"{node.Name}: damage at {string.Join(", ", node.UnreportedDamage)} went unreported by the journal"));
        node.UnreportedDamage.Clear();
        node.JournalWarnings += node.Journal.Warnings.Count;
        foreach (var warning in node.Journal.Warnings) _options.Trace?.Invoke($"{_queue.Now,7} {node.Name,-14} journal: {warning}");
        return true;
    }

    /// <summary>What the node's message tells an operator to run; when neither file can be trusted, a height the chain has committed.</summary>
    private void RepairJournal(SimNode node)
    {
        try
        {
            JournalRepair.Run(node.Disk, ChainIdValue, signAboveHeight: null, node.Height);
        }
        catch (WalCorruptException)
        {
            ulong committed = 0;
            foreach (var n in _nodes) if (n.IsHonest && n.Height > committed) committed = n.Height;
            JournalRepair.Run(node.Disk, ChainIdValue, signAboveHeight: committed + 1, node.Height); // it may have signed at the height after its last commit
        }
    }

    /// <summary>Arms a crash in the middle of the node's next disk operations (a write torn, a sync not done).</summary>
    private void CrashMidWrite(SimNode node)
    {
        if (!node.IsUp) return;
        node.Dying = true;
        node.Disk.CrashAfter(1 + _random.Next(4));
    }

    /// <summary>After a crash, maybe a sector of the journal was damaged too (a failing disk).</summary>
    private void MaybeDamageDisk(SimNode node)
    {
        if (_options.DiskDamageRate <= 0 || _random.NextDouble() >= _options.DiskDamageRate) return;
        string file = _random.Next(3) == 0 ? "sign_guard" : "consensus.wal";
        long at = node.Disk.CorruptSector(file);
        if (at >= 0) node.UnreportedDamage.Add($"{file}@{at}");
    }
}
