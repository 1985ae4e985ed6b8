using Polis.Core.Crypto;

namespace Polis.Consensus.Gossip;

/// <summary>
/// The node's consensus gossip rules, with no I/O, so the node and the simulator run the same ones
/// (the re-send rules are where liveness bugs hide):
/// <list type="bullet">
/// <item>our own proposals and votes go to every peer; a received one on to every peer not known
/// to have it; a message counts as delivered to a peer only while the peer can use it;</item>
/// <item>every tick, each peer gets what it still lacks, except proposals of rounds it has left (a
/// large message it has no use for: a value carried over comes back in a new proposal; a peer that
/// does need one, to decide from an old round's precommits, asks for it);</item>
/// <item>without a commit for 2 s, 4 s, 8 s, 16 s and then every 16 s, every peer is assumed to
/// lack everything again: a message lost with a dropped connection never stalls a round, and
/// re-sending does not swamp an overloaded network;</item>
/// <item>a proposal the engine lacks (a quorum of precommits for an unseen block) is asked for
/// again every second until it arrives; a peer answers from what it keeps, a few per tick;</item>
/// <item>every quorum the engine has held for a second is claimed, with each status, to the peers
/// at our height that have not claimed it themselves, and its votes are sent to them again (CometBFT's
/// VoteSetMaj23): a vote a peer dropped as one too many of an equivocator's is taken once the
/// peer hears the claim, so an equivocator cannot hide the vote a polka rests on.</item>
/// </list>
/// Threading: one owner (the node's loop; the simulator's single thread).
/// </summary>
public sealed class ConsensusGossip<TMessage>(Func<PeerGossipState, TMessage, bool> send, Func<ulong, GossipQuorum, TMessage> claimMessage)
{
    /// <summary>Status goes out every few ticks even without a commit, so peers learn our height after reconnects.</summary>
    public const int StatusEveryTicks = 4;
    /// <summary>Without a commit for this many ticks (then twice as many, and so on), every peer is assumed to lack everything again.</summary>
    public const int ForgetKnownAfterTicks = 8;
    /// <summary>The back-off stops doubling here: however long a height has stalled, a lost message is sent again within this many ticks (16 s at 250 ms).</summary>
    public const int ForgetKnownEveryTicksMax = 64;
    /// <summary>A wanted proposal is asked for again this often.</summary>
    public const int AskAgainEveryTicks = 4;
    /// <summary>Proposals sent to one peer on its requests per tick.</summary>
    public const int RequestedProposalsPerTickMax = 4;
    /// <summary>Proposals wanted at once (one per round at most matters).</summary>
    private const int WantedMax = 16;
    /// <summary>Our quorums claimed to peers at once (a prevote and a precommit one for each of 32 rounds); the oldest give way.</summary>
    public const int QuorumsMax = 64;

    private readonly List<(GossipQuorum Quorum, int AddedAtTick)> _quorums = new();
    /// <summary>Claims heard from peers this height: none, and relaying never looks for one.</summary>
    private int _claimsHeard;

    private readonly Dictionary<(int Round, Hash32 BlockId), int> _wanted = new();
    private int _ticks;
    private int _ticksSinceCommit;

    public HeightMessages<TMessage> Messages { get; } = new();
    public ulong WorkingHeight => Messages.Height;

    /// <summary>A new working height: its messages start empty and every peer's known set with them (ids are of one height).</summary>
    public void StartHeight(ulong workingHeight, IEnumerable<PeerGossipState> peers)
    {
        Messages.Reset(workingHeight);
        foreach (var peer in peers)
        {
            peer.Known.Clear();
            peer.Claims.Clear();
        }
        _wanted.Clear();
        _quorums.Clear();
        _claimsHeard = 0;
        _ticksSinceCommit = 0;
    }

    /// <summary>Our own message: kept and sent to every peer.</summary>
    public void Publish(in GossipItem item, TMessage message, IEnumerable<PeerGossipState> peers)
    {
        Messages.Add(item, message, own: true);
        foreach (var peer in peers) SendKnown(peer, item.Id, message);
    }

    /// <summary>
    /// A message of the working height from <paramref name="source"/>: false if we had it (the
    /// source is then known to have it too) or its signer has used its share of the store (see
    /// <see cref="HeightMessages{TMessage}"/>); otherwise kept and relayed to the peers not known to
    /// have it, and the caller journals it and feeds it to the engine.
    /// </summary>
    public bool Relay(PeerGossipState source, in GossipItem item, TMessage message, IEnumerable<PeerGossipState> peers)
    {
        var (claimed, trustedClaim) = IsClaimed(item, peers);
        if (Messages.Contains(item.Id))
        {
            source.Known.Add(item.Id);
            // The engine may have dropped it as one too many of its signer's before a peer claimed its quorum: fed again, once per claim heard.
            return claimed && Messages.TakeForClaim(item.Id, _claimsHeard);
        }
        // A proposal we asked for (a quorum precommitted its block) is taken whatever decoys its proposer sent first.
        bool wanted = item.IsProposal && _wanted.ContainsKey((item.Round, item.BlockId));
        // Refused: not remembered either, so a flood past the signer's share grows no peer's known set.
        if (!Messages.Add(item, message, own: wanted, claimed: claimed, trustedClaim: trustedClaim)) return false;
        if (claimed) Messages.TakeForClaim(item.Id, _claimsHeard);
        source.Known.Add(item.Id);
        if (item.IsProposal) _wanted.Remove((item.Round, item.BlockId));
        foreach (var peer in peers)
            if (peer != source) SendKnown(peer, item.Id, message);
        return true;
    }

    /// <summary>
    /// A message of the working height the engine counts (replayed from the WAL, or counted from
    /// its buffer of later heights), kept without sending it now: the next tick sends it. Never
    /// refused by the store's per-signer bounds: what the engine counted, peers must be able to
    /// count too (the engine's own bounds hold these).
    /// </summary>
    public bool Keep(in GossipItem item, TMessage message) => Messages.Add(item, message, own: true);

    /// <summary>Whether some connected peer claims a quorum for this vote's block, and whether a pinned one does.</summary>
    private (bool Claimed, bool Trusted) IsClaimed(in GossipItem item, IEnumerable<PeerGossipState> peers)
    {
        if (_claimsHeard == 0 || item.IsProposal) return (false, false);
        var quorum = new GossipQuorum(item.Round, item.Kind, item.BlockId);
        bool claimed = false;
        foreach (var peer in peers)
        {
            if (!peer.ClaimsQuorum(quorum)) continue;
            if (peer.Trusted) return (true, true);
            claimed = true;
        }
        return (claimed, false);
    }

    /// <summary>The engine reached a quorum in the working height: claimed to peers from the next status on.</summary>
    public void AddQuorum(in GossipQuorum quorum)
    {
        foreach (var (q, _) in _quorums)
            if (q.Round == quorum.Round && q.Kind == quorum.Kind) return; // within the fault bound there is only one
        if (_quorums.Count >= QuorumsMax) _quorums.RemoveAt(0);
        _quorums.Add((quorum, _ticks));
    }

    /// <summary>
    /// A peer claims a quorum of the working height (the caller checked the height and that the
    /// engine holds the round). True if it is new: the caller tells the engine, which then keeps a
    /// conflicting vote for that block. One block per peer and (round, kind), never taken back; at
    /// most <see cref="PeerGossipState.ClaimsMax"/> per peer, its lowest rounds giving way to later
    /// ones (a long-stalled height's newest polkas are the ones that matter).
    /// </summary>
    public bool OnClaim(PeerGossipState peer, in GossipQuorum quorum)
    {
        var key = (quorum.Round, quorum.Kind);
        if (peer.Claims.ContainsKey(key)) return false;
        if (peer.Claims.Count >= PeerGossipState.ClaimsMax)
        {
            var lowest = peer.Claims.Keys.MinBy(k => k.Round);
            if (lowest.Round >= quorum.Round) return false;
            peer.Claims.Remove(lowest);
        }
        peer.Claims.Add(key, quorum.BlockId);
        _claimsHeard++;
        return true;
    }

    /// <summary>
    /// A peer at our height that has not claimed one of our quorums hears our claim, then gets its
    /// votes again. Only quorums held since before the last status: a height that completes within
    /// a second (every height of a healthy network) sends no claim at all.
    /// </summary>
    private void ClaimQuorums(PeerGossipState peer)
    {
        if (_quorums.Count == 0 || peer.Height is not { } h || h + 1 != WorkingHeight) return;
        foreach (var (quorum, addedAt) in _quorums)
        {
            if (_ticks - addedAt <= StatusEveryTicks || peer.ClaimsQuorum(quorum)) continue;
            if (!send(peer, claimMessage(WorkingHeight, quorum))) continue;
            foreach (var id in Messages.VotesFor(quorum)) peer.Known.Remove(id);
        }
    }

    /// <summary>A peer reported its height and round; if it can now use our height's messages, it gets them.</summary>
    public void OnStatus(PeerGossipState peer, ulong height, int round)
    {
        bool couldUse = peer.CanUse(WorkingHeight);
        peer.Height = height;
        peer.Round = round;
        if (!couldUse && peer.CanUse(WorkingHeight)) ResendTo(peer);
    }

    /// <summary>Sends a peer what it lacks of the working height (see the class summary for what is skipped).</summary>
    public void ResendTo(PeerGossipState peer)
    {
        if (!peer.CanUse(WorkingHeight)) return;
        bool sameHeight = peer.Height + 1 == WorkingHeight;
        foreach (var (id, entry) in Messages.All)
        {
            if (entry.Item.IsProposal && sameHeight && entry.Item.Round < peer.Round) continue;
            SendKnown(peer, id, entry.Message);
        }
    }

    /// <summary>
    /// The gossip tick: forgets known sets on the back-off, re-sends to every peer, and returns
    /// whether our status is due and which proposals to ask for again.
    /// </summary>
    public (bool StatusDue, IReadOnlyList<(int Round, Hash32 BlockId)> AskFor) OnTick(IEnumerable<PeerGossipState> peers)
    {
        bool statusDue = ++_ticks % StatusEveryTicks == 0;
        ++_ticksSinceCommit;
        bool forget = _ticksSinceCommit >= ForgetKnownAfterTicks
            && ((_ticksSinceCommit & (_ticksSinceCommit - 1)) == 0 || _ticksSinceCommit % ForgetKnownEveryTicksMax == 0);
        foreach (var peer in peers)
        {
            if (forget) peer.Known.Clear();
            peer.ProposalsRequestedThisTick = 0;
            if (statusDue) ClaimQuorums(peer); // before the votes it makes us send again, so the peer takes them
            ResendTo(peer);
        }
        var ask = new List<(int, Hash32)>();
        foreach (var key in _wanted.Keys.ToList())
        {
            int ticks = _wanted[key] + 1;
            _wanted[key] = ticks;
            if (ticks % AskAgainEveryTicks == 0) ask.Add(key);
        }
        return (statusDue, ask);
    }

    /// <summary>The engine lacks the proposal of (round, block): the caller asks peers now; it is asked again until it arrives.</summary>
    public bool Want(int round, in Hash32 blockId)
    {
        if (Messages.TryGetProposal(round, blockId, out _, out _)) return false;
        if (_wanted.Count >= WantedMax) return false;
        return _wanted.TryAdd((round, blockId), 0);
    }

    /// <summary>A peer asks for a proposal: sent (even of a round it has left) if we have it, a few per tick.</summary>
    public bool AnswerRequest(PeerGossipState peer, int round, in Hash32 blockId)
    {
        if (peer.ProposalsRequestedThisTick >= RequestedProposalsPerTickMax) return false;
        if (!Messages.TryGetProposal(round, blockId, out var id, out var message)) return false;
        peer.ProposalsRequestedThisTick++;
        if (send(peer, message) && peer.CanUse(WorkingHeight)) peer.Known.Add(id);
        return true;
    }

    private void SendKnown(PeerGossipState peer, in Hash32 id, TMessage message)
    {
        if (peer.Known.Contains(id)) return;
        if (send(peer, message) && peer.CanUse(WorkingHeight)) peer.Known.Add(id);
    }
}
