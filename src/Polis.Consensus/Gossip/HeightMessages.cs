using Polis.Core.Crypto;

namespace Polis.Consensus.Gossip;

/// <summary>
/// The consensus messages (proposals and votes, ours and received, all signature-checked) of the
/// working height, kept to be re-sent until every peer is known to have them. Bounded: a flood of
/// distinct valid messages is impossible (each validator signs a few per round), so the bound only
/// guards memory against bugs. <typeparamref name="TMessage"/> is what the driver sends (the node:
/// encoded frames; the simulator: its message objects).
/// </summary>
public sealed class HeightMessages<TMessage>
{
    public const int MessagesMax = 20_000;
    private readonly Dictionary<Hash32, Entry> _messages = new();

    /// <summary>One message with what re-sending needs to know about it (<paramref name="BlockId"/>: a proposal's block, to answer requests for it).</summary>
    public readonly record struct Entry(TMessage Message, int Round, bool IsProposal, Hash32 BlockId);

    public ulong Height { get; private set; }
    public int Count => _messages.Count;
    public IEnumerable<KeyValuePair<Hash32, Entry>> All => _messages;

    public void Reset(ulong height)
    {
        Height = height;
        _messages.Clear();
    }

    public bool Contains(in Hash32 id) => _messages.ContainsKey(id);

    public bool Add(in Hash32 id, Entry entry) => _messages.Count < MessagesMax && _messages.TryAdd(id, entry);

    /// <summary>The proposal of <paramref name="round"/> for <paramref name="blockId"/>, if we have it.</summary>
    public bool TryGetProposal(int round, in Hash32 blockId, out Hash32 id, out TMessage message)
    {
        foreach (var (key, entry) in _messages)
        {
            if (!entry.IsProposal || entry.Round != round || entry.BlockId != blockId) continue;
            (id, message) = (key, entry.Message);
            return true;
        }
        (id, message) = (default, default!);
        return false;
    }
}
