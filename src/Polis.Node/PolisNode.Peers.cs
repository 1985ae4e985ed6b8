using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;
using Polis.Network;
using Polis.Node.Wire;

namespace Polis.Node;

/// <summary>
/// The network side: runs on each peer's reader task, so decoding and signature checks are spread
/// over the cores before anything reaches the single loop. Anything malformed or forged disconnects
/// the peer (the network counts it); valid messages go to the loop, transactions to the mempool,
/// and block requests are answered straight from the store.
/// </summary>
public sealed partial class PolisNode
{
    private sealed class PeerHandler(PolisNode node) : IPeerMessageHandler
    {
        public void OnPeerConnected(Peer peer) => node.Post(new PeerConnected(peer));
        public void OnPeerDisconnected(Peer peer) => node.Post(new PeerDisconnected(peer));

        public void OnMessage(Peer peer, Channel channel, ReadOnlySpan<byte> payload)
        {
            var proposalId = ProposalIdOf(channel, payload);
            if (proposalId is { } known && node.IsKnownProposal(peer, known)) return;
            WireMessage message;
            try
            {
                message = WireCodec.Decode(channel, payload);
            }
            catch (CodecException e)
            {
                node.Metrics.Rejected.WithLabels("p2p", "malformed").Inc();
                throw new ProtocolViolationException($"malformed message: {e.Message}");
            }
            switch (message)
            {
                case ProposalMessage p: node.OnProposalMessage(peer, p, proposalId!.Value, payload); break;
                case VoteMessage v: node.OnVoteMessage(peer, v, payload); break;
                case StatusMessage s: node.PostFromPeer(new PeerStatus(peer, s.Height, s.Round)); break;
                case TxsMessage t: node.OnTxsMessage(peer, t); break;
                case PeersMessage m: node.OnPeersMessage(peer, m); break;
                case BlocksRequestMessage r: node.ServeBlocks(peer, r); break;
                case BlockResponseMessage b: node.OnBlockResponse(peer, b); break;
            }
        }
    }

    // id: SHA-256 of the signed proposal as it arrived (its canonical encoding), computed once on the reader.
    private void OnProposalMessage(Peer peer, ProposalMessage message, Hash32 id, ReadOnlySpan<byte> payload)
    {
        var (proposal, block) = (message.Proposal, message.Block);
        if (proposal.Height <= CommittedHeight) return; // stale: the peer is behind and will sync
        if (block.Id != proposal.BlockId || block.Height != proposal.Height) Reject(peer, "proposal does not match its block");
        // The signature covers the header only: the body must be the one the header commits to.
        string structure = block.CheckStructure();
        if (structure.Length > 0) Reject(peer, $"proposed block body does not match its header: {structure}");
        var validators = _chain.Validators;
        var proposer = validators.Proposer(proposal.Height, proposal.Round);
        if (proposal.Proposer != proposer.Address) Reject(peer, "proposal from a validator whose turn it is not");
        if (!_verifier.Verify(proposer.PublicKey, proposal.SignBytes(ChainId), proposal.Signature)) Reject(peer, "proposal signature does not verify");
        // Transactions this node never admitted (dropped while its admission was saturated) would
        // otherwise be checked one by one on the loop, between the proposal and this node's prevote.
        VerifyTransactions(block.Transactions);
        // Remembered only once the loop has it: a copy dropped on a full inbox must be taken again.
        if (PostFromPeer(new PeerProposal(peer, proposal, block, id, payload.ToArray()))) RememberProposal(id);
    }

    private void OnVoteMessage(Peer peer, VoteMessage message, ReadOnlySpan<byte> payload)
    {
        var vote = message.Vote;
        if (vote.Height <= CommittedHeight) return;
        var validator = _chain.Validators.Find(vote.Validator);
        if (validator is null) Reject(peer, "vote from a non-validator");
        if (!_verifier.Verify(validator!.PublicKey, vote.SignBytes(ChainId), vote.Signature)) Reject(peer, "vote signature does not verify");
        PostFromPeer(new PeerVote(peer, vote, Sha256.Hash(payload[1..]), payload.ToArray()));
    }

    private void OnBlockResponse(Peer peer, BlockResponseMessage message)
    {
        var (block, commit) = (message.Block, message.Commit);
        if (block.Height <= CommittedHeight) return; // already have it (an answer to a request that timed out)
        string structure = block.CheckStructure();
        if (structure.Length > 0) Reject(peer, $"block {block.Height} body does not match its header: {structure}");
        string error = commit.Verify(ChainId, _chain.Validators, block.Height, block.Id, _verifier);
        if (error.Length > 0) Reject(peer, $"block {block.Height} with an invalid commit: {error}");
        // Checked here, off the loop, so the loop finds every result in the cache and executes while
        // the next blocks are checked.
        VerifyTransactions(block.Transactions);
        PostFromPeer(new PeerBlock(peer, block, commit));
    }

    private const int VerifyChunk = 32;
    private static readonly ParallelOptions VerifyParallelism = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    /// <summary>
    /// Checks the transactions' signatures into the verifier's cache on every core: this reader takes
    /// a share and the thread pool the rest. One reader alone kept a catching-up node at one core of
    /// signature checks while the other core idled. Results are only remembered here; the loop
    /// still decides what an invalid signature means (a block holding one is rejected there).
    /// </summary>
    private void VerifyTransactions(IReadOnlyList<Transaction> txs)
    {
        if (txs.Count <= VerifyChunk)
        {
            foreach (var tx in txs) _verifier.VerifyTransaction(tx);
            return;
        }
        Parallel.For(0, (txs.Count + VerifyChunk - 1) / VerifyChunk, VerifyParallelism, chunk =>
        {
            int end = Math.Min(txs.Count, (chunk + 1) * VerifyChunk);
            for (int i = chunk * VerifyChunk; i < end; i++) _verifier.VerifyTransaction(txs[i]);
        });
    }

    /// <summary>
    /// Duplicates are dropped here by hash; the rest is admitted on the low-priority admission
    /// workers (see <see cref="Mempool.AdmissionWorkers"/>). When those are saturated the batch is
    /// dropped: the transactions still reach this node inside blocks.
    /// </summary>
    private void OnTxsMessage(Peer peer, TxsMessage message)
    {
        var fresh = new List<Transaction>(message.Txs.Count);
        foreach (var tx in message.Txs)
            if (!_pool.Contains(tx.Hash)) fresh.Add(tx);
        if (fresh.Count < message.Txs.Count) Metrics.TxsReceived.WithLabels("duplicate").Inc(message.Txs.Count - fresh.Count);
        if (fresh.Count == 0) return;
        if (!_admission.TryPost(fresh.Count, () => AdmitFromPeer(peer, fresh))) Metrics.TxsReceived.WithLabels("dropped").Inc(fresh.Count);
    }

    private void AdmitFromPeer(Peer peer, List<Transaction> txs)
    {
        foreach (var tx in txs)
        {
            var admission = _pool.TryAdd(tx);
            Metrics.TxsReceived.WithLabels(admission.Accepted ? "new" : admission.Code == Polis.Node.Mempool.AdmissionCode.Duplicate ? "duplicate" : "refused").Inc();
            if (admission.Accepted) QueueTxGossip(tx, peer);
            else if (admission.Code is Polis.Node.Mempool.AdmissionCode.BadSignature or Polis.Node.Mempool.AdmissionCode.WrongChain)
            {
                _log.LogWarning("dropping peer {Peer}: transaction {Tx}: {Reason}", peer, tx.Hash.Short, admission.Reason);
                Metrics.Rejected.WithLabels("p2p", "invalid").Inc();
                peer.DisconnectForViolation();
                return;
            }
        }
        Metrics.MempoolSize.Set(_pool.Count);
    }

    private const int ProposalsSeenMax = 10_000;
    /// <summary>
    /// Proposals already decoded and checked at this height, by id (hash of the signed proposal):
    /// a copy relayed by another peer is not decoded again (a block of thousands of transactions
    /// costs milliseconds to decode; every peer relays it). Cleared at each commit.
    /// </summary>
    private readonly ConcurrentDictionary<Hash32, byte> _proposalsSeen = new();
    private int _proposalsSeenCount;

    /// <summary>The id of a proposal message (hash of its signed proposal, which precedes the block), read before any decoding.</summary>
    private static Hash32? ProposalIdOf(Channel channel, ReadOnlySpan<byte> payload) =>
        channel == Channel.Consensus && payload.Length > 1 + Proposal.EncodedSize && payload[0] == (byte)MessageKind.Proposal
            ? Sha256.Hash(payload.Slice(1, Proposal.EncodedSize))
            : null;

    private bool IsKnownProposal(Peer peer, in Hash32 id)
    {
        if (!_proposalsSeen.ContainsKey(id)) return false;
        PostFromPeer(new PeerHas(peer, id));
        return true;
    }

    private void RememberProposal(in Hash32 id)
    {
        if (Interlocked.Increment(ref _proposalsSeenCount) > ProposalsSeenMax) ForgetProposalsSeen();
        _proposalsSeen.TryAdd(id, 0);
    }

    private void ForgetProposalsSeen()
    {
        _proposalsSeen.Clear();
        Volatile.Write(ref _proposalsSeenCount, 0);
    }

    private void Reject(Peer peer, string reason)
    {
        Metrics.Rejected.WithLabels("p2p", "invalid").Inc();
        throw new ProtocolViolationException(reason);
    }
}
