using Polis.Execution;
using Polis.Testing;

namespace Polis.Testing;

/// <summary>A plain dictionary as a state view: the model the executor and the modules are checked against.</summary>
public sealed class DictionaryView : IStateView
{
    public Dictionary<byte[], byte[]> Data { get; } = new(ByteArrayComparer.Instance);

    public byte[]? Get(ReadOnlySpan<byte> key) => Data.TryGetValue(key.ToArray(), out var v) ? v : null;
    public void Put(byte[] key, byte[] value) => Data[key] = value;
    public void Delete(byte[] key) => Data.Remove(key);

    /// <summary>Every entry as hex, sorted: equal snapshots mean equal states.</summary>
    public IReadOnlyList<string> Snapshot() =>
        [.. Data.Select(e => Convert.ToHexString(e.Key) + "=" + Convert.ToHexString(e.Value)).Order(StringComparer.Ordinal)];
}
