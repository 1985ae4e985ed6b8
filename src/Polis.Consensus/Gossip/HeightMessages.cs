using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Consensus.Gossip;

/// <summary>
/// The consensus messages (proposals and votes, ours and received, all signature-checked) of the
/// working height, kept to be re-sent until every peer is known to have them.
/// <para>
/// Bounded per signer, since a Byzantine validator can sign as many distinct messages as it likes
/// (proposals of up to a block each, votes for made-up blocks), so that one signer fills only its
/// own share: <see cref="SignerMessagesMax"/> messages and <see cref="SignerBytesMax"/> bytes, its
/// proposals of the oldest rounds giving way first; at most <see cref="ProposalsPerRoundMax"/>
/// proposals of one proposer in one round (the first and one that conflicts, which is the
/// evidence); <see cref="ProposalBytesMax"/> of proposals in all.
/// </para>
/// <para>
/// Votes are not limited per round: an honest validator may have counted a Byzantine validator's
/// vote in the polka it locked on, and Tendermint's liveness needs the others to receive that very
/// vote whatever else its signer sent first. A signer that fills its whole share before it sends
/// the vote that matters still gets that vote in when a connected peer claims a quorum for its
/// block (<see cref="Add"/> with <c>claimed</c>): one vote per signer and claimed quorum, held
/// apart from the share (<see cref="ClaimedVotes"/>).
/// </para>
/// Our own messages, and those the engine already counted (`own` in
/// <see cref="Add"/>), are always kept. <typeparamref name="TMessage"/> is what the driver sends
/// (the node: encoded frames; the simulator: its message objects).
/// </summary>
public sealed class HeightMessages<TMessage>
{
    /// <summary>Of one signer at one height: far more than an honest validator signs (three per round).</summary>
    public const int SignerMessagesMax = 4_096;
    public const int ProposalsPerRoundMax = 2;
    /// <summary>Four blocks' worth of proposals and a megabyte of votes.</summary>
    public const long SignerBytesMax = 4L * Polis.Core.Limits.BlockBytesMax + 1024 * 1024;
    public const long ProposalBytesMax = 256L * 1024 * 1024;

    private readonly Dictionary<Hash32, Entry> _messages = new();
    private readonly Dictionary<(Address Signer, int Round), int> _proposalsPerRound = new();
    private readonly Dictionary<Address, (int Messages, long Bytes)> _signers = new();
    /// <summary>Votes by the quorum they count towards: what to send again to a peer that lacks a quorum we hold.</summary>
    private readonly Dictionary<GossipQuorum, List<Hash32>> _votesByQuorum = new();
    /// <summary>Votes taken beyond their signer's share for a claimed quorum: one per signer and quorum.</summary>
    private readonly HashSet<(Address Signer, GossipQuorum Quorum)> _claimedVotes = new();
    /// <summary>How many of those each signer has, and how many for quorums only unpinned peers claimed.</summary>
    private readonly Dictionary<Address, (int All, int Untrusted)> _claimedVotesBySigner = new();
    /// <summary>Votes a signer may have kept apart for claimed quorums, in all and for quorums only unpinned peers claimed (peers that reconnect under new keys bring new claims).</summary>
    public const int ClaimedVotesPerSignerMax = 256, UntrustedClaimedVotesPerSignerMax = 64;

    /// <summary>
    /// One message with what re-sending needs to know about it (<paramref name="Pinned"/>: ours or
    /// counted by the engine, never evicted; <paramref name="FedAtClaims"/>: how many claims had
    /// been heard when the vote was last fed to the engine, so each new claim lets it be fed once more).
    /// </summary>
    public readonly record struct Entry(TMessage Message, GossipItem Item, bool Pinned = false, int FedAtClaims = 0);

    public ulong Height { get; private set; }
    public int Count => _messages.Count;
    /// <summary>Votes held beyond their signers' shares because a peer claimed a quorum for their block (see <see cref="Add"/>).</summary>
    public int ClaimedVotes => _claimedVotes.Count;
    public long Bytes { get; private set; }
    private long _proposalBytes;
    public IEnumerable<KeyValuePair<Hash32, Entry>> All => _messages;

    public void Reset(ulong height)
    {
        Height = height;
        _messages.Clear();
        _proposalsPerRound.Clear();
        _signers.Clear();
        _votesByQuorum.Clear();
        _claimedVotes.Clear();
        _claimedVotesBySigner.Clear();
        Bytes = 0;
        _proposalBytes = 0;
    }

    public bool Contains(in Hash32 id) => _messages.ContainsKey(id);

    /// <summary>The most proposals kept of one proposer in one round (for the simulator's memory checker).</summary>
    public int ProposalsPerRoundHighest => _proposalsPerRound.Count == 0 ? 0 : _proposalsPerRound.Values.Max();
    /// <summary>The most messages kept of one signer.</summary>
    public int SignerMessagesHighest => _signers.Count == 0 ? 0 : _signers.Values.Max(s => s.Messages);
    /// <summary>The most bytes kept of one signer.</summary>
    public long SignerBytesHighest => _signers.Count == 0 ? 0 : _signers.Values.Max(s => s.Bytes);

    /// <summary>
    /// Keeps a message; false if it was there or a bound refuses it (<paramref name="own"/>: ours,
    /// or one the engine already counted; never refused). A vote for a quorum a peer claims
    /// (<paramref name="claimed"/>) that its signer's share refuses is kept apart, once per signer
    /// and quorum (a signer can sign one vote many ways: Ed25519 does not force its nonce).
    /// </summary>
    public bool Add(in GossipItem item, TMessage message, bool own = false, bool claimed = false, bool trustedClaim = false)
    {
        if (_messages.ContainsKey(item.Id)) return false;
        var round = (item.Signer, item.Round);
        bool apart = false;
        if (!own)
        {
            if (item.IsProposal && _proposalsPerRound.GetValueOrDefault(round) >= ProposalsPerRoundMax) return false;
            bool fits = _signers.GetValueOrDefault(item.Signer).Messages < SignerMessagesMax && MakeRoom(item);
            if (!fits)
            {
                if (!claimed || item.IsProposal) return false;
                var kept = _claimedVotesBySigner.GetValueOrDefault(item.Signer);
                if (kept.All >= ClaimedVotesPerSignerMax || (!trustedClaim && kept.Untrusted >= UntrustedClaimedVotesPerSignerMax)) return false;
                if (!_claimedVotes.Add((item.Signer, QuorumOf(item)))) return false;
                _claimedVotesBySigner[item.Signer] = (kept.All + 1, kept.Untrusted + (trustedClaim ? 0 : 1));
                apart = true;
            }
        }
        _messages.Add(item.Id, new Entry(message, item, own || apart));
        if (!item.IsProposal) IndexVote(item);
        Bytes += item.Bytes;
        if (apart) return true;
        var share = _signers.GetValueOrDefault(item.Signer);
        _signers[item.Signer] = (share.Messages + 1, share.Bytes + item.Bytes);
        if (item.IsProposal)
        {
            _proposalsPerRound[round] = _proposalsPerRound.GetValueOrDefault(round) + 1;
            _proposalBytes += item.Bytes;
        }
        return true;
    }

    /// <summary>
    /// Within the signer's bytes and (for a proposal) all proposals' bytes, dropping the signer's
    /// proposals of rounds before this one, oldest first.
    /// </summary>
    private bool MakeRoom(in GossipItem item)
    {
        long signerBytes = _signers.GetValueOrDefault(item.Signer).Bytes;
        if (Fits(signerBytes, item)) return true;
        var evictable = new List<(Hash32 Id, GossipItem Item)>();
        foreach (var (id, entry) in _messages)
            if (!entry.Pinned && entry.Item.Signer == item.Signer && entry.Item.IsProposal && entry.Item.Round < item.Round) evictable.Add((id, entry.Item));
        evictable.Sort((a, b) => a.Item.Round.CompareTo(b.Item.Round));
        foreach (var (id, old) in evictable)
        {
            if (Fits(signerBytes, item)) break;
            Remove(id, old);
            signerBytes -= old.Bytes;
        }
        return Fits(signerBytes, item);
    }

    private bool Fits(long signerBytes, in GossipItem item) =>
        signerBytes + item.Bytes <= SignerBytesMax && (!item.IsProposal || _proposalBytes + item.Bytes <= ProposalBytesMax);

    /// <summary>Only proposals are evicted.</summary>
    private void Remove(in Hash32 id, in GossipItem item)
    {
        _messages.Remove(id);
        var round = (item.Signer, item.Round);
        if (--_proposalsPerRound[round] == 0) _proposalsPerRound.Remove(round);
        var share = _signers[item.Signer];
        _signers[item.Signer] = (share.Messages - 1, share.Bytes - item.Bytes);
        Bytes -= item.Bytes;
        _proposalBytes -= item.Bytes;
    }

    private static GossipQuorum QuorumOf(in GossipItem vote) => new(vote.Round, vote.Kind, vote.BlockId);

    private void IndexVote(in GossipItem vote)
    {
        var quorum = QuorumOf(vote);
        if (!_votesByQuorum.TryGetValue(quorum, out var ids)) _votesByQuorum.Add(quorum, ids = new List<Hash32>(4));
        ids.Add(vote.Id);
    }

    /// <summary>The ids of the votes held for <paramref name="quorum"/>'s block.</summary>
    public IReadOnlyList<Hash32> VotesFor(in GossipQuorum quorum) => _votesByQuorum.TryGetValue(quorum, out var ids) ? ids : [];

    /// <summary>
    /// A held vote arrived again while a peer claims a quorum for its block: true once for each new
    /// claim heard (<paramref name="claimsHeard"/>: the count so far this height), so the caller feeds
    /// it to the engine again, which may have dropped it as one too many of its signer's, or heard an
    /// earlier claim too many to keep; false for a proposal, an unknown id, or no new claim since.
    /// </summary>
    public bool TakeForClaim(in Hash32 id, int claimsHeard)
    {
        if (!_messages.TryGetValue(id, out var entry) || entry.Item.IsProposal || entry.FedAtClaims >= claimsHeard) return false;
        _messages[id] = entry with { FedAtClaims = claimsHeard };
        return true;
    }

    /// <summary>The proposal of <paramref name="round"/> for <paramref name="blockId"/>, if we have it.</summary>
    public bool TryGetProposal(int round, in Hash32 blockId, out Hash32 id, out TMessage message)
    {
        foreach (var (key, entry) in _messages)
        {
            if (!entry.Item.IsProposal || entry.Item.Round != round || entry.Item.BlockId != blockId) continue;
            (id, message) = (key, entry.Message);
            return true;
        }
        (id, message) = (default, default!);
        return false;
    }
}
