using Microsoft.Extensions.Logging;
using Polis.Consensus;
using Polis.Consensus.Actions;
using Polis.Consensus.Events;
using Polis.Consensus.Gossip;
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
    private readonly ConsensusGossip<byte[]> _gossip;
    private readonly EvidencePool _evidence = new();
    private readonly LaterHeightMessages _futureSeen = new();
    private readonly int _roundsAheadKept;
    private long _lastCommitTicks;

    public ConsensusReactor(NodeConfig config, Chain chain, ConsensusEngine engine, ConsensusOptions options, ConsensusJournal? wal, KeyPair? validatorKey,
        TxPool pool, PeerTable peers, P2PHost p2p, NodeMetrics metrics, ILogger log, IConsensusHost host, CancellationToken stop)
    {
        (_config, _chain, _engine, _wal, _validatorKey, _pool, _peers, _p2p, _metrics, _log, _host, _stop) =
            (config, chain, engine, wal, validatorKey, pool, peers, p2p, metrics, log, host, stop);
        _roundsAheadKept = options.RoundsAheadMax;
        _timeouts = new TimeoutTimer(t => host.Post(new EngineInput(new TimeoutFired(t.Height, t.Round, t.Step))));
        _gossip = new ConsensusGossip<byte[]>((peer, encoded) => ((PeerView)peer).Peer.Send(Channel.Consensus, encoded),
            (height, quorum) => WireCodec.Encode(new QuorumClaimMessage(height, quorum.Round, TypeOf(quorum.Kind), quorum.BlockId)));
        _gossip.StartHeight(chain.Height + 1, []);
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
                Publish(new ProposalMessage(bp.Proposal, bp.Block), GossipItem.ForProposal(Sha256.Hash(bp.Proposal.ToBytes()), bp.Proposal, bp.Block));
                break;
            case BroadcastVote bv:
                _wal?.AppendVote(bv.Vote);
                Publish(new VoteMessage(bv.Vote), GossipItem.ForVote(Sha256.Hash(bv.Vote.ToBytes()), bv.Vote));
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
                if (_evidence.Add(r.Evidence))
                    _log.LogWarning("evidence of double signing by {Validator} at height {Height}", r.Evidence.Validator, r.Evidence.Height);
                _metrics.EvidencePending.WithLabels("vote").Set(_evidence.VoteEvidenceCount);
                break;
            case ReportProposalEvidence r:
                if (_evidence.Add(r.Evidence))
                    _log.LogWarning("evidence of two proposals by {Proposer} at height {Height} round {Round}", r.Evidence.Proposer, r.Evidence.Height, r.Evidence.ProposalA.Round);
                _metrics.EvidencePending.WithLabels("proposal").Set(_evidence.ProposalEvidenceCount);
                break;
            case RequestCatchUp:
                _host.RequestBlocks();
                break;
            case GossipBuffered g:
                KeepBuffered(g.Message);
                break;
            case AnnounceQuorum a:
                if (a.Height != WorkingHeight) break;
                if (_gossip.WorkingHeight != WorkingHeight) _gossip.StartHeight(WorkingHeight, _peers.Views);
                _gossip.AddQuorum(new GossipQuorum(a.Round, KindOf(a.Type), a.BlockId));
                break;
            case RequestProposal r:
                // A quorum precommitted a block we never received (peers skip re-sending proposals of rounds we left): ask, and again until it comes.
                if (r.Height == WorkingHeight && _gossip.Want(r.Round, r.BlockId)) AskForProposal(r.Round, r.BlockId);
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
        var block = _chain.Build(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), _validatorKey!.Address, candidates, _evidence.ForBlock(),
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
        _evidence.OnCommitted(block);
        _metrics.EvidencePending.WithLabels("vote").Set(_evidence.VoteEvidenceCount);
        _metrics.EvidencePending.WithLabels("proposal").Set(_evidence.ProposalEvidenceCount);
        _wal?.CompactIfLarge(block.Height + 1);
        _gossip.StartHeight(block.Height + 1, _peers.Views);
        _timeouts.DropBelow(block.Height + 1);
        _futureSeen.Clear();
        _lastCommitTicks = Environment.TickCount64;
    }

    // Gossip of the working height's messages: the rules are ConsensusGossip's (shared with the simulator).

    private void Publish(WireMessage message, in GossipItem item)
    {
        if (_gossip.WorkingHeight != WorkingHeight) _gossip.StartHeight(WorkingHeight, _peers.Views);
        _gossip.Publish(item, WireCodec.Encode(message), _peers.Views);
    }

    /// <summary>A message that came before its height and counts now: kept with the height's messages, so the next tick sends it to every peer that lacks it.</summary>
    private void KeepBuffered(ConsensusEvent message)
    {
        if (_gossip.WorkingHeight != WorkingHeight) _gossip.StartHeight(WorkingHeight, _peers.Views);
        switch (message)
        {
            case ProposalReceived p when p.Proposal.Height == WorkingHeight:
                _gossip.Keep(GossipItem.ForProposal(Sha256.Hash(p.Proposal.ToBytes()), p.Proposal, p.Block), WireCodec.Encode(new ProposalMessage(p.Proposal, p.Block)));
                break;
            case VoteReceived v when v.Vote.Height == WorkingHeight:
                _gossip.Keep(GossipItem.ForVote(Sha256.Hash(v.Vote.ToBytes()), v.Vote), WireCodec.Encode(new VoteMessage(v.Vote)));
                break;
        }
    }

    /// <summary>A proposal or vote from a peer (decoded and signature-checked on its reader).</summary>
    public void OnPeerMessage(Peer from, Hash32 id, byte[] encoded, ulong height, int round, ConsensusEvent input)
    {
        if (!_peers.TryGet(from, out var source)) return;
        if (height < WorkingHeight) return; // the peer is behind: its status makes it sync
        if (height > WorkingHeight)
        {
            // Each copy would take a slot in the engine's bounded future buffer: count each message
            // once, and each signer's only up to its share (one validator cannot fill the set).
            var signer = input is ProposalReceived fp ? fp.Proposal.Proposer : ((VoteReceived)input).Vote.Validator;
            if (!_futureSeen.FirstSeen(id, signer)) return;
            if (input is VoteReceived future) _wal?.AppendVote(future.Vote);
            Feed(input); // the engine keeps a bounded number for the next heights and asks us to catch up
            return;
        }
        if (_gossip.WorkingHeight != WorkingHeight) _gossip.StartHeight(WorkingHeight, _peers.Views);
        if (round > _engine.Round + _roundsAheadKept)
        {
            // The engine only counts such a message towards a round skip; it must come again once we
            // are in that round, so it is neither remembered as seen nor as known by the sender.
            Feed(input);
            return;
        }
        var item = input switch
        {
            ProposalReceived p => GossipItem.ForProposal(id, p.Proposal, p.Block),
            VoteReceived v => GossipItem.ForVote(id, v.Vote),
            _ => throw new ArgumentException($"not a consensus message: {input}", nameof(input)),
        };
        // Refused when its signer has used its share: neither journaled nor counted (see HeightMessages).
        if (!_gossip.Relay(source, item, encoded, _peers.Views)) return;
        if (input is VoteReceived counted) _wal?.AppendVote(counted.Vote);
        Feed(input);
    }

    /// <summary>A vote from the WAL after a restart: counted again, and gossiped again on the next tick, like a received one.</summary>
    public void OnReplayedVote(Vote vote)
    {
        if (vote.Height < WorkingHeight) return;
        if (vote.Height == WorkingHeight)
        {
            if (_gossip.WorkingHeight != WorkingHeight) _gossip.StartHeight(WorkingHeight, _peers.Views);
            _gossip.Keep(GossipItem.ForVote(Sha256.Hash(vote.ToBytes()), vote), WireCodec.Encode(new VoteMessage(vote)));
        }
        Feed(new VoteReceived(vote));
    }

    /// <summary>
    /// A peer claims a quorum of our working height: a new claim for a round the engine holds lets
    /// the engine take a conflicting vote for that block, and the peer's copies of such votes are fed
    /// to it again (see <see cref="ConsensusGossip{TMessage}"/>).
    /// </summary>
    public void OnQuorumClaimed(PeerView view, ulong height, int round, VoteType type, Hash32 blockId)
    {
        if (height != WorkingHeight || round > _engine.Round + _roundsAheadKept) return;
        if (_gossip.WorkingHeight != WorkingHeight) _gossip.StartHeight(WorkingHeight, _peers.Views);
        if (_gossip.OnClaim(view, new GossipQuorum(round, KindOf(type), blockId)))
            Feed(new QuorumClaimed(height, round, type, blockId, new Hash32(view.Peer.Key.Bytes), view.Trusted));
    }

    private static GossipKind KindOf(VoteType type) => type == VoteType.Prevote ? GossipKind.Prevote : GossipKind.Precommit;
    private static VoteType TypeOf(GossipKind kind) => kind == GossipKind.Prevote ? VoteType.Prevote : VoteType.Precommit;

    /// <summary>A new peer hears our status at once.</summary>
    public void OnPeerConnected(Peer peer) => peer.Send(Channel.Consensus, StatusMessage());

    /// <summary>A peer reported its height and round: if it can now use our height's messages, it gets them.</summary>
    public void OnPeerStatus(PeerView view, ulong height, int round) => _gossip.OnStatus(view, height, round);

    /// <summary>A peer asks for a proposal of our working height (one it saw a quorum precommit): sent if we have it.</summary>
    public void OnProposalWanted(PeerView view, ulong height, int round, Hash32 blockId)
    {
        if (height == WorkingHeight) _gossip.AnswerRequest(view, round, blockId);
    }

    private void AskForProposal(int round, Hash32 blockId)
    {
        var request = WireCodec.Encode(new ProposalWantedMessage(WorkingHeight, round, blockId));
        foreach (var view in _peers.Views)
            if (view.CanUse(WorkingHeight)) view.Peer.Send(Channel.Consensus, request);
    }

    public void BroadcastStatus() => _p2p.Broadcast(Channel.Consensus, StatusMessage());

    private byte[] StatusMessage() => WireCodec.Encode(new StatusMessage(_chain.Height, _engine.Round));

    /// <summary>The gossip tick: what each peer still lacks, status now and then, proposals still wanted.</summary>
    public void OnTick()
    {
        var (statusDue, askFor) = _gossip.OnTick(_peers.Views);
        if (statusDue) BroadcastStatus();
        foreach (var (round, blockId) in askFor) AskForProposal(round, blockId);
    }

    public void Dispose() => _timeouts.Dispose();
}
