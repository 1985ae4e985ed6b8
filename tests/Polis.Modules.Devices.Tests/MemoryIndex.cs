using Polis.Modules.Indexing;

namespace Polis.Modules.Devices.Tests;

/// <summary>A module index in memory, counting the entries its scans read.</summary>
internal sealed class MemoryIndex : IIndexReader, IIndexWriter
{
    private readonly SortedDictionary<byte[], byte[]> _entries = new(Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b)));
    public int Reads;
    public byte[]? Get(ReadOnlySpan<byte> key) => _entries.GetValueOrDefault(key.ToArray());
    public void Put(ReadOnlySpan<byte> key, byte[] value) => _entries[key.ToArray()] = value;
    public IEnumerable<KeyValuePair<byte[], byte[]>> From(byte[] from)
    {
        foreach (var entry in _entries)
        {
            if (entry.Key.AsSpan().SequenceCompareTo(from) < 0) continue;
            Reads++;
            yield return entry;
        }
    }
}
