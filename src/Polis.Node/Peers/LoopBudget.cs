using System.Runtime.CompilerServices;
using Polis.Core.Crypto;
using Polis.Network;

namespace Polis.Node.Peers;

/// <summary>
/// What peers' messages may hold of the loop's inbox. Each peer has a share of its own, so one
/// that floods fills only its share and every other peer's messages still get in; messages whose
/// signatures were checked on the reader (proposals, votes, fetched blocks) and unsigned claims
/// (status, has, wants) are counted apart, so a flood of unsigned status frames, which anyone can
/// make, never takes the room of a validator's vote. Peers that are not pinned persistent peers
/// (strangers) share half of the whole: the validators an operator pinned keep the other half
/// whatever the strangers send. Thread-safe: the readers take, the loop releases.
/// </summary>
internal sealed class LoopBudget(IReadOnlySet<PublicKey> pinned)
{
    private sealed class Share
    {
        public int Signed;
        public int Unsigned;
        public long Bytes;
    }

    private readonly ConditionalWeakTable<Peer, Share> _shares = new();
    private int _signed, _unsigned, _strangersSigned;
    private long _bytes, _strangersBytes;

    public int SignedQueued => Volatile.Read(ref _signed);
    public int UnsignedQueued => Volatile.Read(ref _unsigned);

    /// <summary>Takes room for <paramref name="input"/>; false (nothing taken) when its peer's share or the whole is used up.</summary>
    public bool TryTake(LoopInput input)
    {
        if (From(input) is not { } peer) return true;
        var share = _shares.GetValue(peer, static _ => new Share());
        bool stranger = !pinned.Contains(peer.Key);
        if (!IsSigned(input))
        {
            if (!TryAdd(ref share.Unsigned, 1, NodeLimits.PeerUnsignedInputsQueuedMax)) return false;
            if (TryAdd(ref _unsigned, 1, NodeLimits.PeerUnsignedInputsQueuedTotalMax)) return true;
            Interlocked.Decrement(ref share.Unsigned);
            return false;
        }
        long bytes = BytesOf(input);
        if (!TryAdd(ref share.Signed, 1, NodeLimits.PeerInputsQueuedPerPeerMax)) return false;
        if (TryAdd(ref share.Bytes, bytes, NodeLimits.PeerInputBytesQueuedPerPeerMax))
        {
            if (!stranger || TryAdd(ref _strangersSigned, 1, NodeLimits.PeerInputsQueuedMax / 2))
            {
                if (!stranger || TryAdd(ref _strangersBytes, bytes, NodeLimits.PeerInputBytesQueuedMax / 2))
                {
                    if (TryAdd(ref _signed, 1, NodeLimits.PeerInputsQueuedMax))
                    {
                        if (TryAdd(ref _bytes, bytes, NodeLimits.PeerInputBytesQueuedMax)) return true;
                        Interlocked.Decrement(ref _signed);
                    }
                    if (stranger) Interlocked.Add(ref _strangersBytes, -bytes);
                }
                if (stranger) Interlocked.Decrement(ref _strangersSigned);
            }
            Interlocked.Add(ref share.Bytes, -bytes);
        }
        Interlocked.Decrement(ref share.Signed);
        return false;
    }

    /// <summary>Gives back what <see cref="TryTake"/> took for <paramref name="input"/> (when the loop has taken it).</summary>
    public void Release(LoopInput input)
    {
        if (From(input) is not { } peer || !_shares.TryGetValue(peer, out var share)) return;
        if (!IsSigned(input))
        {
            Interlocked.Decrement(ref share.Unsigned);
            Interlocked.Decrement(ref _unsigned);
            return;
        }
        long bytes = BytesOf(input);
        Interlocked.Decrement(ref share.Signed);
        Interlocked.Add(ref share.Bytes, -bytes);
        Interlocked.Decrement(ref _signed);
        Interlocked.Add(ref _bytes, -bytes);
        if (!pinned.Contains(peer.Key))
        {
            Interlocked.Decrement(ref _strangersSigned);
            Interlocked.Add(ref _strangersBytes, -bytes);
        }
    }

    /// <summary>Adds <paramref name="amount"/> unless the sum would pass <paramref name="max"/> (one item larger than the bound still goes alone).</summary>
    private static bool TryAdd(ref int counter, int amount, int max)
    {
        int after = Interlocked.Add(ref counter, amount);
        if (after <= max || after == amount) return true;
        Interlocked.Add(ref counter, -amount);
        return false;
    }

    private static bool TryAdd(ref long counter, long amount, long max)
    {
        long after = Interlocked.Add(ref counter, amount);
        if (after <= max || after == amount) return true;
        Interlocked.Add(ref counter, -amount);
        return false;
    }

    private static Peer? From(LoopInput input) => input switch
    {
        PeerProposal p => p.From,
        PeerVote v => v.From,
        PeerBlock b => b.From,
        PeerStatus s => s.From,
        PeerHas h => h.From,
        PeerWantsProposal w => w.From,
        PeerClaimsQuorum c => c.From,
        _ => null,
    };

    private static bool IsSigned(LoopInput input) => input is PeerProposal or PeerVote or PeerBlock;

    /// <summary>What an input counts against the byte bounds: a proposal's encoding, a fetched block's transactions.</summary>
    private static long BytesOf(LoopInput input) => input switch
    {
        PeerProposal p => p.Encoded.Length,
        PeerBlock b => b.Bytes,
        _ => 0,
    };
}
