using Polis.Execution;

namespace Polis.Execution.Tests;

/// <summary>A plain dictionary as a state view: the model the executor is checked against.</summary>
internal sealed class DictionaryView : IStateView
{
    public Dictionary<byte[], byte[]> Data { get; } = new(ByteArrayComparer.Instance);
    public byte[]? Get(ReadOnlySpan<byte> key) => Data.TryGetValue(key.ToArray(), out var v) ? v : null;
    public void Put(byte[] key, byte[] value) => Data[key] = value;
    public void Delete(byte[] key) => Data.Remove(key);
}
