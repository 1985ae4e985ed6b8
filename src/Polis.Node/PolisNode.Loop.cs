using Microsoft.Extensions.Logging;
using Polis.Consensus;
using Polis.Consensus.Actions;
using Polis.Consensus.Events;
using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Network;
using Polis.Node.Gossip;
using Polis.Node.Wire;

namespace Polis.Node;

/// <summary>The loop: the only code that touches the engine, the chain and the gossip views.</summary>
public sealed partial class PolisNode
{
    private const int EvidencePendingMax = Limits.BlockEvidenceMax;

    private readonly HeightMessages _messages = new();
    private readonly Dictionary<Peer, PeerView> _peers = new();
    private readonly List<DuplicateVoteEvidence> _evidence = new();
    private long _lastCommitTicks;

    private async Task RunLoopAsync()
    {
        try
        {
            await foreach (var input in _inbox.Reader.ReadAllAsync(_stop.Token))
            {
                if (input is PeerProposal or PeerVote or PeerStatus or PeerBlock or PeerHas)
                {
                    Interlocked.Decrement(ref _peerInputsQueued);
                    Interlocked.Add(ref _peerBytesQueued, -QueuedBytes(input));
                }
                Handle(input);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // An invariant broke (e.g. this node's execution diverged from the decided block): stop
            // rather than sign or store anything more. The operator sees why in the log.
            _log.LogCritical(e, "node loop stopped");
            throw;
        }
    }

    private void Handle(LoopInput input)
    {
        switch (input)
        {
            case EngineInput e: FeedEngine(e.Event); break;
            case PeerProposal p: OnPeerConsensus(p.From, p.Id, p.Encoded, p.Proposal.Height, p.Proposal.Round, new ProposalReceived(p.Proposal, p.Block)); break;
            case PeerVote v: OnPeerConsensus(v.From, v.Id, v.Encoded, v.Vote.Height, v.Vote.Round, new VoteReceived(v.Vote)); break;
            case PeerStatus s: OnPeerStatus(s); break;
            case PeerHas h: OnPeerHas(h); break;
            case PeerBlock b: OnPeerBlock(b); break;
            case PeerConnected c: OnPeerConnected(c.Peer); break;
            case ReplayedVote r: OnReplayedVote(r.Vote); break;
            case PeerDisconnected d: OnPeerDisconnected(d.Peer); break;
            case BuildNow b: Build(b.Height, b.Round); break;
            case GossipTick: OnTick(); break;
        }
    }

    private void FeedEngine(ConsensusEvent input)
    {
        var pending = new Queue<ConsensusEvent>();
        pending.Enqueue(input);
        while (pending.Count > 0)
            foreach (var action in _engine.Handle(pending.Dequeue()))
                Carry(action, pending);
        Metrics.Round.Set(_engine.Round);
        _snapshot = MakeSnapshot();
    }

    private void Carry(ConsensusAction action, Queue<ConsensusEvent> pending)
    {
        if (_log.IsEnabled(LogLevel.Debug) && action is not ScheduleTimeout) _log.LogDebug("h={Height} r={Round} {Action}", _engine.Height, _engine.Round, ActionText.Describe(action));
        switch (action)
        {
            case PersistSignRecord p:
                // Synced before the broadcast that follows it in this same action list.
                _wal!.Append(p.Record);
                Metrics.WalAppends.Inc();
                break;
            case BroadcastProposal bp:
                Publish(new ProposalMessage(bp.Proposal, bp.Block), Sha256.Hash(bp.Proposal.ToBytes()));
                break;
            case BroadcastVote bv:
                _wal?.AppendVote(bv.Vote);
                var encoded = bv.Vote.ToBytes();
                Publish(new VoteMessage(bv.Vote), Sha256.Hash(encoded));
                break;
            case ScheduleTimeout t:
                _timeouts.Schedule(t);
                break;
            case ValidateBlock v:
                var verdict = Validate(v.Block);
                if (!verdict.Valid) _log.LogWarning("block {Height} {Id} is invalid: {Reason}", v.Block.Height, v.Block.Id.Short, verdict.Reason);
                pending.Enqueue(new BlockValidated(v.Block.Height, v.Block.Id, verdict.Valid, verdict.Reason));
                break;
            case BuildBlock b:
                long wait = ProposalWaitMs();
                if (wait > 0)
                    _ = Task.Delay(TimeSpan.FromMilliseconds(wait), _stop.Token)
                        .ContinueWith(_ => Post(new BuildNow(b.Height, b.Round)), TaskContinuationOptions.OnlyOnRanToCompletion);
                else
                    pending.Enqueue(MakeBlock(b.Height, b.Round));
                break;
            case Decide d:
                CommitBlock(d.Block, d.Commit);
                pending.Enqueue(new StartHeight(d.Block.Height + 1, _chain.Validators));
                if (TakeBuffered(d.Block.Height + 1, out var next)) pending.Enqueue(new CommitReceived(next.Block, next.Commit));
                else if (IsSyncing) RequestBlocks();
                break;
            case ReportEvidence r:
                _log.LogWarning("evidence of double signing by {Validator} at height {Height}", r.Evidence.Validator, r.Evidence.Height);
                if (_evidence.Count < EvidencePendingMax && !_evidence.Any(e => e.Hash() == r.Evidence.Hash())) _evidence.Add(r.Evidence);
                break;
            case RequestCatchUp:
                RequestBlocks();
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

    private void Build(ulong height, int round)
    {
        if (_engine.Height != height || _engine.Round != round) return;
        FeedEngine(MakeBlock(height, round));
    }

    private BlockBuilt MakeBlock(ulong height, int round)
    {
        var candidates = _pool.Reap(_config.BlockTxsMax, _config.BlockBytesMax);
        var block = _chain.Build(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), _validatorKey!.Address, candidates, _evidence,
            _config.BlockTxsMax, _config.BlockBytesMax);
        return new BlockBuilt(height, round, block);
    }

    private Execution.BlockValidation Validate(Block block)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (block.Header.TimeMs > now + ClockDriftMaxMs)
            return Execution.BlockValidation.Invalid($"block time is {block.Header.TimeMs - now} ms ahead of this node's clock");
        return _chain.Validate(block);
    }

    private void CommitBlock(Block block, Commit commit)
    {
        // Blocks fetched while catching up were decided long ago: their writes need not each wait for the disk.
        _ledger.Storage.SyncWrites = !IsSyncing;
        _ledger.Commit(block, commit);
        Volatile.Write(ref _committedHeight, _chain.Height);
        _pool.Update(block.Transactions);
        if (block.Evidence.Count > 0) _evidence.RemoveAll(e => block.Evidence.Any(x => x.Hash() == e.Hash()));
        _wal?.CompactIfLarge(block.Height + 1);
        _messages.Reset(block.Height + 1);
        _timeouts.DropBelow(block.Height + 1);
        _futureSeen.Clear();
        ForgetProposalsSeen();
        _ticksSinceCommit = 0;
        foreach (var view in _peers.Values) view.Known.Clear();

        long nowTicks = Environment.TickCount64;
        if (_lastCommitTicks != 0) Metrics.BlockInterval.Observe((nowTicks - _lastCommitTicks) / 1000.0);
        _lastCommitTicks = nowTicks;
        Metrics.Height.Set(block.Height);
        Metrics.Commits.Inc();
        Metrics.TxsCommitted.Inc(block.Transactions.Count);
        Metrics.MempoolSize.Set(_pool.Count);
        Commits.Signal(block.Height);
        if (block.Height % 100 == 0 || block.Transactions.Count > 0 && block.Height % 10 == 0)
            _log.LogInformation("committed height {Height} {Id} ({Txs} txs, round {Round})", block.Height, block.Id.Short, block.Transactions.Count, commit.Round);
        BroadcastStatus();
    }
}
