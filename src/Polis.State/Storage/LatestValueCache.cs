using System.Collections.Concurrent;
using Polis.Core.Crypto;

namespace Polis.State.Storage;

/// <summary>
/// The latest write of recently used keys: its version and value (null: deleted). A read at a
/// version at or after that write is answered here; RocksDB would need an iterator and a seek over
/// the key's versions for it, which showed as the largest cost of executing transfers. Entries are
/// set by the committing thread under the same lock that publishes the new latest version, and
/// filled from reads only at the latest version under that lock, so an entry is never older than
/// the key's latest write. Bounded: when full it starts over, which costs only RocksDB reads.
/// </summary>
internal sealed class LatestValueCache(int entriesMax)
{
    private readonly ConcurrentDictionary<Hash32, (ulong Version, byte[]? Value)> _entries = new();
    private readonly Lock _lock = new();
    private int _count;

    /// <summary>The value at <paramref name="version"/> if the cache knows it.</summary>
    public bool TryGet(in Hash32 keyHash, ulong version, out byte[]? value)
    {
        if (_entries.TryGetValue(keyHash, out var entry) && entry.Version <= version)
        {
            value = entry.Value;
            return true;
        }
        value = null;
        return false;
    }

    /// <summary>
    /// Remembers a value read from RocksDB at <paramref name="readVersion"/> (written at
    /// <paramref name="writtenVersion"/>, or never: 0 and null), but only if no version after the
    /// read has been committed since, so the write found is still the latest.
    /// </summary>
    public void FillFromRead(in Hash32 keyHash, ulong readVersion, ulong writtenVersion, byte[]? value, Func<ulong?> latest)
    {
        lock (_lock)
        {
            if (latest() != readVersion) return;
            if (_entries.ContainsKey(keyHash)) return;
            Add(keyHash, writtenVersion, value);
        }
    }

    /// <summary>Sets the entries of a version's writes and then publishes the version, atomically for readers of this cache.</summary>
    public void Commit(ulong version, IReadOnlyList<(Hash32 KeyHash, byte[]? Value)> values, Action publish)
    {
        lock (_lock)
        {
            foreach (var (keyHash, value) in values)
            {
                if (_entries.ContainsKey(keyHash)) _entries[keyHash] = (version, value);
                else Add(keyHash, version, value);
            }
            publish();
        }
    }

    private void Add(in Hash32 keyHash, ulong version, byte[]? value)
    {
        if (_count >= entriesMax)
        {
            _entries.Clear();
            _count = 0;
        }
        if (_entries.TryAdd(keyHash, (version, value))) _count++;
    }
}
