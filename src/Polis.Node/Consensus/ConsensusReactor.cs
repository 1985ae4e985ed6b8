using Microsoft.Extensions.Logging;
using Polis.Consensus;
using Polis.Consensus.Actions;
using Polis.Consensus.Events;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Network;
using Polis.Node.Config;
using Polis.Node.Gossip;
using Polis.Node.Mempool;
using Polis.Node.Metrics;
using Polis.Consensus.Wal;
using Polis.Node.Wire;

namespace Polis.Node.Consensus;

/// <summary>
/// Consensus (CometBFT's consensus reactor): feeds the engine, carries out its actions (the WAL
/// record synced before any signature leaves, broadcast, timeouts, building and validating
/// blocks, decisions), and gossips the working height's proposals and votes: our own to every
/// peer, a received one on to the peers not known to have it, and every tick whatever a peer that
/// can use it still lacks, so a message lost with a dropped connection never stalls a round.
/// Threading: the loop only.
/// </summary>
internal sealed class ConsensusReactor
{
    private readonly NodeConfig _config;
    private readonly Chain _chain;
    private readonly ConsensusEngine _engine;
    private readonly ConsensusJournal? _wal;
    private readonly KeyPair? _validatorKey;
    private readonly TimeoutTimer _timeouts;
    private readonly TxPool _pool;
    private readonly PeerTable _peers;
    private readonly P2PHost _p2p;
    private readonly NodeMetrics _metrics;
    private readonly ILogger _log;
    private readonly IConsensusHost _host;
    private readonly CancellationToken _stop;
    private readonly HeightMessages _messages = new();
    private readonly List<DuplicateVoteEvidence> _evidence = new();
    private readonly HashSet<Hash32> _futureSeen = new();
    private readonly int _roundsAheadKept;
    private int _ticks;
    private int _ticksSinceCommit;
    private long _lastCommitTicks;

    public ConsensusReactor(NodeConfig config, Chain chain, ConsensusEngine engine, ConsensusOptions options, ConsensusJournal? wal, KeyPair? validatorKey,
        TxPool pool, PeerTable peers, P2PHost p2p, NodeMetrics metrics, ILogger log, IConsensusHost host, CancellationToken stop)
    {
        (_config, _chain, _engine, _wal, _validatorKey, _pool, _peers, _p2p, _metrics, _log, _host, _stop) =
            (config, chain, engine, wal, validatorKey, pool, peers, p2p, metrics, log, host, stop);
        _roundsAheadKept = options.RoundsAheadMax;
        _timeouts = new TimeoutTimer(t => host.Post(new EngineInput(new TimeoutFired(t.Height, t.Round, t.Step))));
    }

    public ulong EngineHeight => _engine.Height;
    public int Round => _engine.Round;
    /// <summary>When the last height was committed (<see cref="Environment.TickCount64"/>; 0 before the first).</summary>
    public long LastCommitTicks => _lastCommitTicks;
    private ulong WorkingHeight => _chain.Height + 1;

    /// <summary>Runs an input through the engine and every action it leads to, in order.</summary>
    public void Feed(ConsensusEvent input)
    {
        var pending = new Queue<ConsensusEvent>();
        pending.Enqueue(input);
        while (pending.Count > 0)
            foreach (var action in _engine.Handle(pending.Dequeue()))
                Carry(action, pending);
        _metrics.Round.Set(_engine.Round);
    }

    private void Carry(ConsensusAction action, Queue<ConsensusEvent> pending)
    {
        if (_log.IsEnabled(LogLevel.Debug) && action is not ScheduleTimeout) _log.LogDebug("h={Height} r={Round} {Action}", _engine.Height, _engine.Round, ActionText.Describe(action));
        switch (action)
        {
            case PersistSignRecord p:
                // Synced before the broadcast that follows it in this same action list.
                _wal!.Append(p.Record);
                _metrics.WalAppends.Inc();
                break;
            case BroadcastProposal bp:
                Publish(new ProposalMessage(bp.Proposal, bp.Block), Sha256.Hash(bp.Proposal.ToBytes()));
                break;
            case BroadcastVote bv:
                _wal?.AppendVote(bv.Vote);
                Publish(new VoteMessage(bv.Vote), Sha256.Hash(bv.Vote.ToBytes()));
                break;
            case ScheduleTimeout t:
                _timeouts.Schedule(t);
                break;
            case ValidateBlock v:
                var (verdict, reason) = Validate(v.Block);
                if (verdict != BlockVerdict.Valid) _log.LogWarning("block {Height} {Id} is {Verdict}: {Reason}", v.Block.Height, v.Block.Id.Short, verdict, reason);
                pending.Enqueue(new BlockValidated(v.Block.Height, v.Block.Id, verdict, reason));
                break;
            case BuildBlock b:
                long wait = ProposalWaitMs();
                if (wait > 0)
                    _ = Task.Delay(TimeSpan.FromMilliseconds(wait), _stop)
                        .ContinueWith(_ => _host.Post(new BuildNow(b.Height, b.Round)), TaskContinuationOptions.OnlyOnRanToCompletion);
                else
                    pending.Enqueue(MakeBlock(b.Height, b.Round));
                break;
            case Decide d:
                _host.CommitDecided(d.Block, d.Commit);
                pending.Enqueue(new StartHeight(d.Block.Height + 1, _chain.Validators));
                if (_host.TryTakeFetched(d.Block.Height + 1, out var next)) pending.Enqueue(new CommitReceived(next.Block, next.Commit));
                else if (_host.IsSyncing) _host.RequestBlocks();
                break;
            case ReportEvidence r:
                _log.LogWarning("evidence of double signing by {Validator} at height {Height}", r.Evidence.Validator, r.Evidence.Height);
                if (_evidence.Count < NodeLimits.EvidencePendingMax && !_evidence.Any(e => e.Hash() == r.Evidence.Hash())) _evidence.Add(r.Evidence);
                break;
            case RequestCatchUp:
                _host.RequestBlocks();
                break;
            case RequestProposal:
                // Peers re-send what we are not known to have on every tick; nothing to ask for.
                break;
        }
    }

    /// <summary>How long the proposer waits before building: for the block interval floor, and longer for transactions when it has none.</summary>
    private long ProposalWaitMs()
    {
        long sinceCommit = _lastCommitTicks == 0 ? long.MaxValue : Environment.TickCount64 - _lastCommitTicks;
        long wait = Math.Max(0, _config.BlockIntervalMinMs - sinceCommit);
        return _pool.Count == 0 ? Math.Max(wait, _config.EmptyBlockDelayMs) : wait;
    }

    /// <summary>A proposer that waited builds now, if the engine is still at that height and round.</summary>
    public void Build(ulong height, int round)
    {
        if (_engine.Height != height || _engine.Round != round) return;
        Feed(MakeBlock(height, round));
    }

    private BlockBuilt MakeBlock(ulong height, int round)
    {
        var candidates = _pool.Reap(_config.BlockTxsMax, _config.BlockBytesMax);
        var block = _chain.Build(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), _validatorKey!.Address, candidates, _evidence,
            _config.BlockTxsMax, _config.BlockBytesMax);
        return new BlockBuilt(height, round, block);
    }

    /// <summary>A block too far ahead of this node's clock is not valid yet (the engine asks again later); the chain judges the rest for good.</summary>
    private (BlockVerdict Verdict, string Reason) Validate(Block block)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (block.Header.TimeMs > now + NodeLimits.ClockDriftMaxMs)
            return (BlockVerdict.NotYetValid, $"block time is {block.Header.TimeMs - now} ms ahead of this node's clock");
        var verdict = _chain.Validate(block);
        return (verdict.Valid ? BlockVerdict.Valid : BlockVerdict.Invalid, verdict.Reason);
    }

    /// <summary>After the node committed <paramref name="block"/>: the next height starts clean.</summary>
    public void OnCommitted(Block block)
    {
        if (block.Evidence.Count > 0) _evidence.RemoveAll(e => block.Evidence.Any(x => x.Hash() == e.Hash()));
        _wal?.CompactIfLarge(block.Height + 1);
        _messages.Reset(block.Height + 1);
        _timeouts.DropBelow(block.Height + 1);
        _futureSeen.Clear();
        _ticksSinceCommit = 0;
        _lastCommitTicks = Environment.TickCount64;
    }

    // Gossip of the working height's messages.

    private void Publish(WireMessage message, Hash32 id)
    {
        var encoded = WireCodec.Encode(message);
        if (_messages.Height != WorkingHeight) _messages.Reset(WorkingHeight);
        if (message is ProposalMessage p) _messages.Add(id, encoded, p.Proposal.Round, isProposal: true);
        else if (message is VoteMessage v) _messages.Add(id, encoded, v.Vote.Round, isProposal: false);
        foreach (var view in _peers.Views) SendKnown(view, id, encoded);
    }

    private void SendKnown(PeerView view, in Hash32 id, byte[] encoded)
    {
        if (view.Known.Contains(id)) return;
        bool usable = view.CanUse(WorkingHeight);
        if (view.Peer.Send(Channel.Consensus, encoded) && usable) view.Known.Add(id);
    }

    /// <summary>A proposal or vote from a peer (decoded and signature-checked on its reader).</summary>
    public void OnPeerMessage(Peer from, Hash32 id, byte[] encoded, ulong height, int round, ConsensusEvent input)
    {
        if (!_peers.TryGet(from, out var source)) return;
        if (height < WorkingHeight) return; // the peer is behind: its status makes it sync
        if (height > WorkingHeight)
        {
            // Each copy would take a slot in the engine's bounded future buffer: count each message once.
            if (_futureSeen.Count >= NodeLimits.FutureMessagesSeenMax || !_futureSeen.Add(id)) return;
            if (input is VoteReceived future) _wal?.AppendVote(future.Vote);
            Feed(input); // the engine keeps a bounded number for the next heights and asks us to catch up
            return;
        }
        if (_messages.Height != WorkingHeight) _messages.Reset(WorkingHeight);
        if (round > _engine.Round + _roundsAheadKept)
        {
            // The engine only counts such a message towards a round skip; it must come again once we
            // are in that round, so it is neither remembered as seen nor as known by the sender.
            Feed(input);
            return;
        }
        source.Known.Add(id);
        if (_messages.Contains(id)) return;
        _messages.Add(id, encoded, round, isProposal: input is ProposalReceived);
        if (input is VoteReceived counted) _wal?.AppendVote(counted.Vote);
        Feed(input);
        foreach (var view in _peers.Views)
            if (view != source) SendKnown(view, id, encoded);
    }

    /// <summary>A vote from the WAL after a restart: counted again and gossiped again, like a received one.</summary>
    public void OnReplayedVote(Vote vote)
    {
        if (vote.Height < WorkingHeight) return;
        if (vote.Height == WorkingHeight)
        {
            if (_messages.Height != WorkingHeight) _messages.Reset(WorkingHeight);
            var bytes = vote.ToBytes();
            _messages.Add(Sha256.Hash(bytes), WireCodec.Encode(new VoteMessage(vote)), vote.Round, isProposal: false);
        }
        Feed(new VoteReceived(vote));
    }

    /// <summary>A new peer hears our status at once.</summary>
    public void OnPeerConnected(Peer peer) => peer.Send(Channel.Consensus, StatusMessage());

    /// <summary>A peer reported its height: if it can now use our height's messages, it gets them.</summary>
    public void OnPeerStatus(PeerView view, bool couldUseBefore)
    {
        if (!couldUseBefore && view.CanUse(WorkingHeight)) ResendTo(view);
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

    public void BroadcastStatus() => _p2p.Broadcast(Channel.Consensus, StatusMessage());

    private byte[] StatusMessage() => WireCodec.Encode(new StatusMessage(_chain.Height, _engine.Round));

    /// <summary>The gossip tick: status now and then, and what each peer still lacks.</summary>
    public void OnTick()
    {
        if (++_ticks % NodeLimits.StatusEveryTicks == 0) BroadcastStatus();
        // Forget at 2 s, 4 s, 8 s… without a commit: re-sending must not itself swamp an overloaded network.
        if (++_ticksSinceCommit >= NodeLimits.ForgetKnownAfterTicks && (_ticksSinceCommit & (_ticksSinceCommit - 1)) == 0) _peers.ForgetKnown();
        foreach (var view in _peers.Views) ResendTo(view);
    }

    public void Dispose() => _timeouts.Dispose();
}
