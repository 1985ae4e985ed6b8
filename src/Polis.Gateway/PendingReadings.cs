using Polis.Core.Crypto;

namespace Polis.Gateway;

/// <summary>
/// Accepted readings not yet sealed into a batch, in accept order: their leaf hashes and times.
/// The committer appends after each group commit; the anchorer takes from the front when it seals.
/// </summary>
public sealed class PendingReadings(ulong firstOrder)
{
    private readonly Lock _gate = new();
    private readonly List<Hash32> _leaves = new();
    private readonly List<long> _times = new();
    private ulong _firstOrder = firstOrder;

    public int Count
    {
        get { lock (_gate) return _leaves.Count; }
    }

    /// <summary>The accept order of the oldest pending reading.</summary>
    public ulong FirstOrder
    {
        get { lock (_gate) return _firstOrder; }
    }

    /// <summary>Appends readings whose orders continue the pending run.</summary>
    public void Append(ulong firstOrder, List<Hash32> leaves, List<long> times)
    {
        lock (_gate)
        {
            Polis.Core.Invariant.Check(firstOrder == _firstOrder + (ulong)_leaves.Count, "pending readings: orders must be contiguous");
            _leaves.AddRange(leaves);
            _times.AddRange(times);
        }
    }

    /// <summary>A copy of the first <paramref name="countMax"/> pending readings (they stay pending until <see cref="Remove"/>).</summary>
    public (ulong FirstOrder, Hash32[] Leaves, long FirstTimeMs, long LastTimeMs) Peek(int countMax)
    {
        lock (_gate)
        {
            int n = Math.Min(countMax, _leaves.Count);
            var leaves = new Hash32[n];
            _leaves.CopyTo(0, leaves, 0, n);
            long first = long.MaxValue, last = long.MinValue;
            for (int i = 0; i < n; i++)
            {
                first = Math.Min(first, _times[i]);
                last = Math.Max(last, _times[i]);
            }
            return (_firstOrder, leaves, first, last);
        }
    }

    /// <summary>Drops the first <paramref name="count"/> readings (they are sealed).</summary>
    public void Remove(int count)
    {
        lock (_gate)
        {
            _leaves.RemoveRange(0, count);
            _times.RemoveRange(0, count);
            _firstOrder += (ulong)count;
        }
    }
}
