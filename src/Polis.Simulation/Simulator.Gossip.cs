using Polis.Consensus.Events;
using Polis.Consensus.Gossip;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Simulation.Messages;

namespace Polis.Simulation;

/// <summary>
/// Consensus gossip as the node does it: honest nodes run the node's own rules
/// (<see cref="ConsensusGossip{TMessage}"/>: known sets per peer, re-sends on each tick that skip
/// proposals of rounds a peer has left, the back-off that forgets known sets without a commit,
/// status messages, proposal requests). A connection is rebuilt (fresh views both ways) when a node
/// restarts and when a partition heals. Byzantine nodes send only what their behaviour sends.
/// </summary>
public sealed partial class Simulator
{
    private void StartGossip(SimNode node)
    {
        node.FutureSeen.Clear();
        node.Peers.Clear();
        node.Gossip = node.IsHonest || node.Behavior == ByzantineBehavior.Twins
            ? new ConsensusGossip<SimMessage>((peer, message) =>
            {
                Send(node, ((SimPeer)peer).Node, message);
                return true;
            }, (height, quorum) => new QuorumClaim(height, quorum.Round, quorum.Kind == GossipKind.Prevote ? VoteType.Prevote : VoteType.Precommit, quorum.BlockId))
            : null;
        node.Gossip?.StartHeight(node.Chain.Height + 1, []);
        foreach (var other in _nodes)
            if (other.Instance != node.Instance && other.IsUp) Connect(node, other);
    }

    /// <summary>A new connection: fresh views both ways, and each side's status at once.</summary>
    private void Connect(SimNode a, SimNode b)
    {
        a.Peers[b.Instance] = new SimPeer(b).Trusting();
        b.Peers[a.Instance] = new SimPeer(a).Trusting();
        Send(a, b, Status(a));
        Send(b, a, Status(b));
    }

    private void Disconnect(SimNode node)
    {
        foreach (var other in _nodes) other.Peers.Remove(node.Instance);
        node.Peers.Clear();
    }

    /// <summary>After a partition heals the connections that broke across it are made again.</summary>
    private void Reconnect()
    {
        foreach (var a in _nodes)
        {
            if (!a.IsUp) continue;
            foreach (var b in _nodes)
                if (b.Instance > a.Instance && b.IsUp) Connect(a, b);
        }
    }

    private static StatusMessage Status(SimNode node) => new(node.Height, node.IsUp ? node.Engine.Round : 0);

    /// <summary>An honest node's own proposal or vote: kept and sent by its gossip.</summary>
    private void Publish(SimNode node, SimMessage message)
    {
        if (node.Gossip is null)
        {
            Broadcast(node, message);
            return;
        }
        node.Gossip.Publish(Describe(message), message, node.Peers.Values);
    }

    /// <summary>A proposal or vote from a peer, handled as the node's consensus reactor does.</summary>
    private void ReceiveConsensus(SimNode node, SimNode from, SimMessage message, ConsensusEvent input)
    {
        ulong next = node.Chain.Height + 1;
        if (message.Height < next) return; // the sender is behind: our status makes it catch up
        var item = Describe(message);
        if (message.Height > next)
        {
            // Counted once each before the engine buffers it for a later height, and each signer's only up to its share.
            if (!node.FutureSeen.FirstSeen(item.Id, item.Signer)) return;
            if (input is VoteReceived future && !JournalVote(node, future.Vote)) return;
            Feed(node, input);
            return;
        }
        if (node.Gossip is null || !node.Peers.TryGetValue(from.Instance, out var source))
        {
            if (input is VoteReceived v && !JournalVote(node, v.Vote)) return;
            Feed(node, input);
            return;
        }
        if (item.Round > node.Engine.Round + _options.Consensus.RoundsAheadMax)
        {
            Feed(node, input); // counts toward a round skip only; it must come again later
            return;
        }
        if (!node.Gossip.Relay(source, item, message, node.Peers.Values)) return;
        if (input is VoteReceived counted && !JournalVote(node, counted.Vote)) return;
        Feed(node, input);
    }

    /// <summary>Journaled before it is counted, as the node does (the next signature's fsync carries it); false if the disk crashed the node.</summary>
    private bool JournalVote(SimNode node, Vote vote)
    {
        if (!node.VoteIds.Add(SimNode.VoteId(vote))) return true;
        try
        {
            node.Journal!.AppendVote(vote);
            return true;
        }
        catch (Disk.SimulatedCrashException)
        {
            Crash(node);
            return false;
        }
    }

    private void OnStatus(SimNode node, SimNode from, StatusMessage status)
    {
        if (node.Gossip is not null && node.Peers.TryGetValue(from.Instance, out var view)) node.Gossip.OnStatus(view, status.CommittedHeight, status.Round);
        if (status.CommittedHeight > node.Height) Send(node, from, new CatchUpRequest(node.Height + 1)); // block sync from a peer ahead
    }

    /// <summary>Votes a node's gossip may hold beyond their signers' shares for claimed quorums.</summary>
    private int ClaimedVotesMax => _options.Validators * HeightMessages<SimMessage>.ClaimedVotesPerSignerMax;

    /// <summary>A peer's quorum claim, handled as the node's consensus reactor does.</summary>
    private void OnQuorumClaim(SimNode node, SimNode from, QuorumClaim claim)
    {
        if (!_options.QuorumClaims || node.Gossip is not { } gossip || !node.Peers.TryGetValue(from.Instance, out var claimant)) return;
        if (claim.ForHeight != node.Chain.Height + 1 || claim.ForHeight != gossip.WorkingHeight) return;
        if (claim.Round > node.Engine.Round + _options.Consensus.RoundsAheadMax) return;
        var kind = claim.Type == VoteType.Prevote ? GossipKind.Prevote : GossipKind.Precommit;
        if (gossip.OnClaim(claimant, new GossipQuorum(claim.Round, kind, claim.BlockId)))
            Feed(node, new QuorumClaimed(claim.ForHeight, claim.Round, claim.Type, claim.BlockId, new Hash32(from.Key.PublicKey.Bytes), claimant.Trusted));
    }

    private void AskForProposal(SimNode node, ulong height, int round, Hash32 blockId)
    {
        foreach (var view in node.Peers.Values)
            if (view.CanUse(height)) Send(node, view.Node, new ProposalWanted(height, round, blockId));
    }

    private void ScheduleGossip(SimNode node, int incarnation)
    {
        _queue.After(_options.GossipIntervalMs, () =>
        {
            if (!node.IsUp || node.Incarnation != incarnation) return;
            _memory.Sample(_queue.Now, node.Name, node.Engine.Round, node.Engine.Footprint(), node.Gossip?.Messages, node.Gossip?.Messages.Count ?? 0, _options.Validators * HeightMessages<SimMessage>.SignerMessagesMax + ClaimedVotesMax,
                node.CatchUp.Count, CatchUpBufferMax, node.FutureSeen.Count, LaterHeightMessages.MessagesMax);
            if (node.Gossip is { } gossip)
            {
                var (statusDue, askFor) = gossip.OnTick(node.Peers.Values);
                if (statusDue) foreach (var view in node.Peers.Values) Send(node, view.Node, Status(node));
                foreach (var (round, blockId) in askFor) AskForProposal(node, gossip.WorkingHeight, round, blockId);
            }
            ScheduleGossip(node, incarnation);
        });
    }

    /// <summary>A message's id (from its signature: distinct signed messages have distinct ones), round, and proposed block.</summary>
    private static GossipItem Describe(SimMessage message)
    {
        Span<byte> signature = stackalloc byte[Signature.Size];
        switch (message)
        {
            case ProposalMessage p:
                p.Proposal.Signature.WriteTo(signature);
                return GossipItem.ForProposal(new Hash32(signature[Hash32.Size..]), p.Proposal, p.Block);
            case VoteMessage v:
                v.Vote.Signature.WriteTo(signature);
                return GossipItem.ForVote(new Hash32(signature[Hash32.Size..]), v.Vote);
            default:
                throw new ArgumentException($"not a consensus message: {message.GetType().Name}", nameof(message));
        }
    }
}
