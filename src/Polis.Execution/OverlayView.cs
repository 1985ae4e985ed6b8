using Polis.Core;

namespace Polis.Execution;

/// <summary>
/// Buffers writes over another view; <see cref="Flush"/> applies them, dropping the overlay
/// discards them. Each transaction runs in one, so a failed transaction leaves no trace.
/// </summary>
public sealed class OverlayView(IStateView inner) : IStateView
{
    private readonly Dictionary<byte[], byte[]?> _writes = new(ByteArrayComparer.Instance);

    public byte[]? Get(ReadOnlySpan<byte> key)
    {
        var lookup = _writes.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (lookup.TryGetValue(key, out var value)) return value;
        try
        {
            return inner.Get(key);
        }
        catch (Exception e) when (e is not (StateReadException or InvariantViolationException))
        {
            // Marked as the store's failure, so the executor cannot mistake it for a module's bug.
            throw new StateReadException(e);
        }
    }

    public void Put(byte[] key, byte[] value) => _writes[key] = value;
    public void Delete(byte[] key) => _writes[key] = null;

    /// <summary>The keys written or deleted so far.</summary>
    public Dictionary<byte[], byte[]?>.KeyCollection WrittenKeys => _writes.Keys;

    public void Flush()
    {
        // Sorted so the inner view sees the same write order on every validator.
        var keys = new List<byte[]>(_writes.Keys);
        keys.Sort(ByteArrayComparer.Instance);
        foreach (var key in keys)
        {
            var value = _writes[key];
            if (value is null) inner.Delete(key); else inner.Put(key, value);
        }
        _writes.Clear();
    }
}
