using Polis.Consensus;
using Polis.Consensus.Actions;
using Polis.Consensus.Events;
using Polis.Consensus.Gossip;
using Polis.Core;
using Polis.Core.Ledger;
using Polis.Execution.Auth;
using Polis.Modules.Accounts;
using Polis.Simulation.Checkers;
using Polis.Simulation.Disk;
using Polis.Simulation.Messages;

namespace Polis.Simulation;

/// <summary>The driver: feeds a node's engine and carries out its actions, as the real node's event loop does.</summary>
public sealed partial class Simulator
{
    private void Feed(SimNode node, ConsensusEvent input)
    {
        var pending = new Queue<ConsensusEvent>();
        pending.Enqueue(input);
        try
        {
            while (pending.Count > 0 && node.IsUp)
            {
                var actions = node.Engine.Handle(pending.Dequeue());
                foreach (var action in actions) Carry(node, action, pending);
            }
        }
        catch (InvariantViolationException e)
        {
            _violations.Add(new Violation(node.IsHonest ? "validity" : "byzantine-invariant", _queue.Now, $"{node.Name}: {e.Message}"));
            node.IsUp = false;
        }
        catch (SimulatedCrashException)
        {
            Crash(node); // the armed crash hit a disk operation: nothing after it happened
        }
    }

    private void Carry(SimNode node, ConsensusAction action, Queue<ConsensusEvent> pending)
    {
        if (_options.Trace is { } trace && action is not PersistSignRecord)
            trace($"{_queue.Now,7} {node.Name,-14} {ActionText.Describe(action)}");
        switch (action)
        {
            case PersistSignRecord p:
                node.Journal!.Append(p.Record); // WAL and guard synced before anything below leaves the node
                break;
            case BroadcastProposal bp:
                if (node.IsHonest) _doubleSign.OnSigned(_queue.Now, node.ValidatorIndex, bp.Proposal.Height, bp.Proposal.Round, Step.Propose, bp.Proposal.BlockId);
                SendProposal(node, bp);
                break;
            case BroadcastVote bv:
                if (node.IsHonest)
                {
                    var step = bv.Vote.Type == VoteType.Prevote ? Step.Prevote : Step.Precommit;
                    _doubleSign.OnSigned(_queue.Now, node.ValidatorIndex, bv.Vote.Height, bv.Vote.Round, step, bv.Vote.BlockId);
                    if (step == Step.Prevote)
                    {
                        _lock.OnPrevoteSent(bv.Vote);
                        _lock.OnHonestPrevote(_queue.Now, node.ValidatorIndex, bv.Vote);
                    }
                    else _lock.OnHonestPrecommit(_queue.Now, node.ValidatorIndex, bv.Vote);
                }
                if (node.VoteIds.Add(SimNode.VoteId(bv.Vote))) node.Journal!.AppendVote(bv.Vote);
                SendVote(node, bv.Vote);
                break;
            case ScheduleTimeout t:
                int incarnation = node.Incarnation;
                _queue.After(t.DelayMs, () =>
                {
                    if (node.IsUp && node.Incarnation == incarnation) Feed(node, new TimeoutFired(t.Height, t.Round, t.Step));
                });
                break;
            case ValidateBlock v:
                var verdict = node.Chain.Validate(v.Block);
                pending.Enqueue(new BlockValidated(v.Block.Height, v.Block.Id, verdict.Valid ? BlockVerdict.Valid : BlockVerdict.Invalid, verdict.Reason));
                break;
            case BuildBlock b:
                var block = node.Chain.Build(GenesisTimeMs + _queue.Now, node.Key.Address, node.Mempool, node.Evidence);
                pending.Enqueue(new BlockBuilt(b.Height, b.Round, block));
                break;
            case Decide d:
                CommitDecided(node, d.Block, d.Commit);
                node.Gossip?.StartHeight(d.Block.Height + 1, node.Peers.Values);
                node.FutureSeen.Clear();
                foreach (var view in node.Peers.Values) Send(node, view.Node, Status(node));
                pending.Enqueue(new StartHeight(d.Block.Height + 1, _validators));
                if (node.CatchUp.Remove(d.Block.Height + 1, out var next)) pending.Enqueue(new CommitReceived(next.Block, next.Commit));
                break;
            case ReportEvidence r:
                node.EvidenceReported++;
                if (node.Evidence.Count < Limits.BlockEvidenceMax && !node.Evidence.Exists(e => e.Hash() == r.Evidence.Hash())) node.Evidence.Add(r.Evidence);
                break;
            case ReportProposalEvidence:
                node.EvidenceReported++;
                break;
            case RequestCatchUp:
                Broadcast(node, new CatchUpRequest(node.Chain.Height + 1));
                break;
            case GossipBuffered g when node.Gossip is { } keeper:
                SimMessage kept = g.Message switch
                {
                    ProposalReceived p => new ProposalMessage(p.Proposal, p.Block),
                    VoteReceived v => new VoteMessage(v.Vote),
                    _ => throw new InvalidOperationException($"not a consensus message: {g.Message}"),
                };
                if (kept.Height == keeper.WorkingHeight) keeper.Keep(Describe(kept), kept);
                break;
            case AnnounceQuorum a:
                if (_options.QuorumClaims && node.Gossip is { } announcer && announcer.WorkingHeight == a.Height)
                    announcer.AddQuorum(new GossipQuorum(a.Round, a.Type == VoteType.Prevote ? GossipKind.Prevote : GossipKind.Precommit, a.BlockId));
                break;
            case RequestProposal r:
                if (node.Gossip is { } gossip && gossip.WorkingHeight == r.Height && gossip.Want(r.Round, r.BlockId)) AskForProposal(node, r.Height, r.Round, r.BlockId);
                else if (node.Gossip is null) AskForProposal(node, r.Height, r.Round, r.BlockId);
                break;
        }
    }

    private void CommitDecided(SimNode node, Block block, Commit commit)
    {
        var results = node.Chain.Commit(block, commit);
        node.Blocks.Add((block, commit));
        node.VoteIds.Clear();
        node.Journal?.CompactIfLarge(block.Height + 1);
        if (block.Evidence.Count > 0) node.Evidence.RemoveAll(e => block.Evidence.Any(x => x.Hash() == e.Hash()));
        if (node.IsHonest)
        {
            bool first = _agreement.DecidedAt(block.Height) is null;
            _agreement.OnDecide(_queue.Now, node.Name, block.Height, block.Id);
            if (first)
            {
                _commitRounds.Add(commit.Round);
                foreach (var r in results.Results) if (r.IsOk) _txsCommitted++;
                _evidenceCommitted += block.Evidence.Count;
            }
        }
        PruneMempool(node);
    }

    private void PruneMempool(SimNode node)
    {
        var view = node.State.At(node.Chain.Height);
        node.Mempool.RemoveAll(tx => NonceRecord.Load(view, tx.SenderAddress) > tx.Nonce);
    }

    private void Broadcast(SimNode from, SimMessage message)
    {
        foreach (var to in _nodes)
            if (to.Instance != from.Instance) Send(from, to, message);
    }

    /// <summary>Every message between validators passes here: the lock checker learns of every proposal and prevote that left anyone.</summary>
    private void Send(SimNode from, SimNode to, SimMessage message)
    {
        if (message is ProposalMessage p) _lock.OnProposalSent(p.Proposal);
        else if (message is VoteMessage { Vote.Type: VoteType.Prevote } v) _lock.OnPrevoteSent(v.Vote);
        _network.Send(from.Instance, to.Instance, () => Deliver(to, from, message), AdversaryDelayMs(to, message));
    }

    private void Deliver(SimNode node, SimNode from, SimMessage message)
    {
        if (!node.IsUp) return;
        ulong next = node.Chain.Height + 1;
        switch (message)
        {
            case ProposalMessage p:
                ReceiveConsensus(node, from, p, new ProposalReceived(p.Proposal, p.Block));
                break;
            case VoteMessage v:
                ReceiveConsensus(node, from, v, new VoteReceived(v.Vote));
                break;
            case StatusMessage s:
                OnStatus(node, from, s);
                break;
            case ProposalWanted w:
                if (w.ForHeight == next && node.Gossip is not null && node.Peers.TryGetValue(from.Instance, out var asker))
                    node.Gossip.AnswerRequest(asker, w.Round, w.BlockId);
                break;
            case QuorumClaim q:
                OnQuorumClaim(node, from, q);
                break;
            case CommitMessage c:
                if (c.Height == next) Feed(node, new CommitReceived(c.Block, c.Commit));
                else if (c.Height > next && node.CatchUp.Count < CatchUpBufferMax) node.CatchUp[c.Height] = (c.Block, c.Commit);
                break;
            case CatchUpRequest r:
                ReplyWithCommits(node, from, r.FromHeight);
                break;
        }
    }

    private void ReplyWithCommits(SimNode node, SimNode to, ulong fromHeight)
    {
        if (fromHeight == 0) return;
        for (ulong h = fromHeight; h <= node.Height && h < fromHeight + CatchUpBatchMax; h++)
        {
            var (block, commit) = node.Blocks[(int)(h - 1)];
            Send(node, to, new CommitMessage(block, commit));
        }
    }

    private void ScheduleTransactions()
    {
        if (_options.TxsPerSecond <= 0) return;
        long interval = Math.Max(1, 1000 / _options.TxsPerSecond);
        var outstanding = new Dictionary<int, Transaction>();
        void Tick()
        {
            if (AllHonestReached(_options.Heights)) return;
            SubmitTransfer(outstanding);
            _queue.After(interval, Tick);
        }
        _queue.After(interval, Tick);
    }

    /// <summary>Each account has at most one transfer in flight; the next is signed once the last is committed (or lost).</summary>
    private void SubmitTransfer(Dictionary<int, Transaction> outstanding)
    {
        var reference = HighestHonestNode();
        if (reference is null) return;
        var view = reference.State.At(reference.Height);
        int sender = _random.Next(_options.Accounts);
        ulong nonce = NonceRecord.Load(view, AccountKeys[sender].Address);
        if (outstanding.TryGetValue(sender, out var last) && last.Nonce >= nonce && _random.NextDouble() > 0.02) return;
        int recipient = (sender + 1 + _random.Next(_options.Accounts - 1)) % _options.Accounts;
        var body = new TransferBody(AccountKeys[recipient].Address, (ulong)_random.Next(1, 5_000)).ToBytes();
        var tx = Transaction.Create(ChainIdValue, AccountKeys[sender], nonce, AccountsKeys.Module, body);
        outstanding[sender] = tx;
        foreach (var node in _nodes)
            if (node.IsUp && !node.Mempool.Exists(t => t.Hash == tx.Hash)) node.Mempool.Add(tx);
    }

    private SimNode? HighestHonestNode()
    {
        SimNode? best = null;
        foreach (var node in _nodes)
            if (node.IsHonest && node.IsUp && (best is null || node.Height > best.Height)) best = node;
        return best;
    }
}
