using Polis.Core.Crypto;

namespace Polis.Node.Gossip;

/// <summary>
/// The encoded consensus messages (proposals and votes, ours and received, all signature-checked)
/// of the working height, kept to be re-sent until every peer is known to have them. Bounded:
/// a flood of distinct valid messages is impossible (each validator signs a few per round), so the
/// bound only guards memory against bugs.
/// </summary>
public sealed class HeightMessages
{
    public const int MessagesMax = 20_000;
    private readonly Dictionary<Hash32, Entry> _messages = new();

    /// <summary>One message with what re-sending needs to know about it.</summary>
    public readonly record struct Entry(byte[] Encoded, int Round, bool IsProposal);

    public ulong Height { get; private set; }
    public int Count => _messages.Count;
    public IEnumerable<KeyValuePair<Hash32, Entry>> All => _messages;

    public void Reset(ulong height)
    {
        Height = height;
        _messages.Clear();
    }

    public bool Contains(in Hash32 id) => _messages.ContainsKey(id);

    public bool Add(in Hash32 id, byte[] encoded, int round, bool isProposal) =>
        _messages.Count < MessagesMax && _messages.TryAdd(id, new Entry(encoded, round, isProposal));
}
