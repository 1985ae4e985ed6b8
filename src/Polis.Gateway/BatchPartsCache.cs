namespace Polis.Gateway;

/// <summary>
/// The most recently used batches' proof parts, at most <c>capacity</c>: a new batch evicts the one
/// used longest ago, so readers of a few hot batches keep theirs while someone walks old proofs
/// (clearing everything at the bound made every reader fetch again). Thread-safe.
/// </summary>
internal sealed class BatchPartsCache<T>(int capacity)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, LinkedListNode<(ulong Batch, Task<T> Parts)>> _byBatch = new();
    private readonly LinkedList<(ulong Batch, Task<T> Parts)> _recency = new();

    public int Count { get { lock (_lock) return _byBatch.Count; } }

    /// <summary>The cached task for <paramref name="batch"/>, or the one <paramref name="fetch"/> starts (once, under the lock's decision).</summary>
    public Task<T> GetOrAdd(ulong batch, Func<ulong, Task<T>> fetch)
    {
        lock (_lock)
        {
            if (_byBatch.TryGetValue(batch, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                return node.Value.Parts;
            }
            if (_byBatch.Count >= capacity && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _byBatch.Remove(oldest.Value.Batch);
            }
            var added = _recency.AddFirst((batch, fetch(batch)));
            _byBatch[batch] = added;
            return added.Value.Parts;
        }
    }

    /// <summary>Forgets <paramref name="batch"/> if it still holds <paramref name="parts"/> (a failed fetch is not kept).</summary>
    public void Remove(ulong batch, Task<T> parts)
    {
        lock (_lock)
        {
            if (_byBatch.TryGetValue(batch, out var node) && node.Value.Parts == parts)
            {
                _recency.Remove(node);
                _byBatch.Remove(batch);
            }
        }
    }
}
