using Polis.Execution;

namespace Polis.City.Tests;

/// <summary>A plain dictionary as a state view.</summary>
internal sealed class DictionaryView : IStateView
{
    private readonly Dictionary<byte[], byte[]> _data = new(ByteArrayComparer.Instance);

    public byte[]? Get(ReadOnlySpan<byte> key) => _data.TryGetValue(key.ToArray(), out var v) ? v : null;
    public void Put(byte[] key, byte[] value) => _data[key] = value;
    public void Delete(byte[] key) => _data.Remove(key);

    /// <summary>Every entry as hex, sorted: equal snapshots mean equal states.</summary>
    public IReadOnlyList<string> Snapshot() =>
        [.. _data.Select(e => Convert.ToHexString(e.Key) + "=" + Convert.ToHexString(e.Value)).Order(StringComparer.Ordinal)];
}
