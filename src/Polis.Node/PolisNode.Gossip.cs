using Polis.Consensus.Events;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Network;
using Polis.Node.Gossip;
using Polis.Node.Wire;

namespace Polis.Node;

/// <summary>
/// Consensus gossip (loop side). Our own messages go to every peer; a received message that is new
/// is relayed to the peers not known to have it, so messages reach validators that are not directly
/// connected. Every tick, each peer that can use them gets the messages of our height it is not
/// known to have: a message lost with a dropped connection is re-sent, so no round waits forever.
/// </summary>
public sealed partial class PolisNode
{
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(250);
    /// <summary>Status goes out every few ticks even without a commit, so peers learn our height after reconnects.</summary>
    private const int StatusEveryTicks = 4;
    /// <summary>
    /// Without a commit for this many ticks (and then twice as many, and so on), every peer is assumed to lack everything again: a message
    /// queued to a peer may still have been dropped there (a saturated loop, a full future buffer),
    /// and a height must never wait forever on one lost vote. Duplicates cost the receiver a lookup.
    /// </summary>
    private const int ForgetKnownAfterTicks = 8;
    /// <summary>Matches the engine's default: messages further ahead in rounds are only counted for round skips.</summary>
    private const int RoundsAheadKept = 16;
    private const int FutureSeenMax = 50_000;
    private readonly HashSet<Hash32> _futureSeen = new();
    private int _ticks;
    private int _ticksSinceCommit;

    private ulong WorkingHeight => _chain.Height + 1;

    private void Publish(WireMessage message, Hash32 id)
    {
        var encoded = WireCodec.Encode(message);
        if (_messages.Height != WorkingHeight) _messages.Reset(WorkingHeight);
        if (message is ProposalMessage p) _messages.Add(id, encoded, p.Proposal.Round, isProposal: true);
        else if (message is VoteMessage v) _messages.Add(id, encoded, v.Vote.Round, isProposal: false);
        foreach (var view in _peers.Values) SendKnown(view, id, encoded);
    }

    private void SendKnown(PeerView view, in Hash32 id, byte[] encoded)
    {
        if (view.Known.Contains(id)) return;
        bool usable = view.CanUse(WorkingHeight);
        if (view.Peer.Send(Channel.Consensus, encoded) && usable) view.Known.Add(id);
    }

    private void OnPeerConsensus(Peer from, Hash32 id, byte[] encoded, ulong height, int round, ConsensusEvent input)
    {
        if (!_peers.TryGetValue(from, out var source)) return;
        if (height < WorkingHeight) return; // the peer is behind: its status makes it sync
        if (height > WorkingHeight)
        {
            // Each copy would take a slot in the engine's bounded future buffer: count each message once.
            if (_futureSeen.Count >= FutureSeenMax || !_futureSeen.Add(id)) return;
            if (input is VoteReceived future) _wal?.AppendVote(future.Vote);
            FeedEngine(input); // the engine keeps a bounded number for the next heights and asks us to catch up
            return;
        }
        if (_messages.Height != WorkingHeight) _messages.Reset(WorkingHeight);
        if (round > _engine.Round + RoundsAheadKept)
        {
            // The engine only counts such a message towards a round skip; it must come again once we
            // are in that round, so it is neither remembered as seen nor as known by the sender.
            FeedEngine(input);
            return;
        }
        source.Known.Add(id);
        if (_messages.Contains(id)) return;
        _messages.Add(id, encoded, round, isProposal: input is ProposalReceived);
        if (input is VoteReceived counted) _wal?.AppendVote(counted.Vote);
        FeedEngine(input);
        foreach (var view in _peers.Values)
            if (view != source) SendKnown(view, id, encoded);
    }

    /// <summary>A vote from the WAL after a restart: counted again and gossiped again, like a received one.</summary>
    private void OnReplayedVote(Vote vote)
    {
        if (vote.Height < WorkingHeight) return;
        if (vote.Height == WorkingHeight)
        {
            if (_messages.Height != WorkingHeight) _messages.Reset(WorkingHeight);
            var bytes = vote.ToBytes();
            _messages.Add(Sha256.Hash(bytes), WireCodec.Encode(new VoteMessage(vote)), vote.Round, isProposal: false);
        }
        FeedEngine(new VoteReceived(vote));
    }

    private void OnPeerConnected(Peer peer)
    {
        _peers[peer] = new PeerView(peer);
        Metrics.Peers.Set(_peers.Count);
        peer.Send(Channel.Consensus, WireCodec.Encode(new StatusMessage(_chain.Height, _engine.Round)));
        AnnouncePeers();
    }

    private void OnPeerDisconnected(Peer peer)
    {
        _peers.Remove(peer);
        Metrics.Peers.Set(_peers.Count);
        ForgetPeersOf(peer);
        AnnouncePeers();
    }

    private void OnPeerStatus(PeerStatus status)
    {
        if (!_peers.TryGetValue(status.From, out var view)) return;
        bool couldUse = view.CanUse(WorkingHeight);
        view.Height = status.Height;
        view.Round = status.Round;
        if (!couldUse && view.CanUse(WorkingHeight)) ResendTo(view);
        if (status.Height > _chain.Height) RequestBlocks();
    }

    private void ResendTo(PeerView view)
    {
        if (!view.CanUse(WorkingHeight) || _messages.Height != WorkingHeight) return;
        bool sameHeight = view.Height == _chain.Height;
        foreach (var (id, entry) in _messages.All)
        {
            // A proposal of a round the peer has left is a large message it has no use for: a value
            // carried over comes back in a new proposal. Votes of old rounds stay (polkas justify locks).
            if (entry.IsProposal && sameHeight && entry.Round < view.Round) continue;
            SendKnown(view, id, entry.Encoded);
        }
    }

    /// <summary>A peer sent a proposal we already had (its block was not decoded again): it has it.</summary>
    private void OnPeerHas(PeerHas has)
    {
        if (_peers.TryGetValue(has.From, out var view)) view.Known.Add(has.Id);
    }

    private void BroadcastStatus() => _p2p.Broadcast(Channel.Consensus, WireCodec.Encode(new StatusMessage(_chain.Height, _engine.Round)));

    private void OnTick()
    {
        if (++_ticks % StatusEveryTicks == 0) BroadcastStatus();
        // Forget at 2 s, 4 s, 8 s… without a commit: re-sending must not itself swamp an overloaded network.
        if (++_ticksSinceCommit >= ForgetKnownAfterTicks && (_ticksSinceCommit & (_ticksSinceCommit - 1)) == 0)
            foreach (var view in _peers.Values) view.Known.Clear();
        foreach (var view in _peers.Values) ResendTo(view);
        RequestBlocks();
        Metrics.MempoolSize.Set(_pool.Count);
        _snapshot = MakeSnapshot();
    }

    private async Task TickAsync()
    {
        using var timer = new PeriodicTimer(TickInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) Post(new GossipTick());
        }
        catch (OperationCanceledException)
        {
        }
    }
}
