using System.Collections.Concurrent;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;
using Polis.Network;
using Polis.Node.Mempool;
using Polis.Node.Metrics;
using Polis.Node.Sync;
using Polis.Node.Wire;

namespace Polis.Node.Peers;

/// <summary>
/// Everything peers send, on the peer's own reader task, so decoding and signature checks are
/// spread over the cores before anything reaches the single loop. Anything malformed or forged
/// disconnects the peer (the network counts it); valid consensus messages and blocks go to the
/// loop, transactions to the mempool, block requests are answered from the store. Checks are
/// against the committed view the loop publishes, never the loop's own state. Threading: peers'
/// reader threads (and the loop's <see cref="ForgetProposalsSeen"/> after a commit); everything it
/// touches is thread-safe.
/// </summary>
internal sealed class PeerInbound(string chainId, Func<CommittedView> committed, CachingSignatureVerifier verifier, NodeMetrics metrics,
    Func<LoopInput, bool> postFromPeer, Action<LoopInput> post, MempoolReactor mempool, BlockSyncReactor sync) : IPeerMessageHandler
{
    private static readonly ParallelOptions VerifyParallelism = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    /// <summary>
    /// Proposals already decoded and checked at this height, by id (hash of the signed proposal):
    /// a copy relayed by another peer is not decoded again (a block of thousands of transactions
    /// costs milliseconds to decode; every peer relays it). Cleared at each commit.
    /// </summary>
    private readonly ConcurrentDictionary<Hash32, byte> _proposalsSeen = new();
    private int _proposalsSeenCount;

    public void OnPeerConnected(Peer peer) => post(new PeerConnected(peer));
    public void OnPeerDisconnected(Peer peer) => post(new PeerDisconnected(peer));

    public void OnMessage(Peer peer, Channel channel, ReadOnlySpan<byte> payload)
    {
        var proposalId = ProposalIdOf(channel, payload);
        if (proposalId is { } known && IsKnownProposal(peer, known)) return;
        WireMessage message;
        try
        {
            message = WireCodec.Decode(channel, payload);
        }
        catch (CodecException e)
        {
            metrics.Rejected.WithLabels("p2p", "malformed").Inc();
            throw new ProtocolViolationException($"malformed message: {e.Message}");
        }
        switch (message)
        {
            case ProposalMessage p: OnProposal(peer, p, proposalId!.Value, payload); break;
            case VoteMessage v: OnVote(peer, v, payload); break;
            case StatusMessage s: postFromPeer(new PeerStatus(peer, s.Height, s.Round)); break;
            case ProposalWantedMessage w: postFromPeer(new PeerWantsProposal(peer, w.Height, w.Round, w.BlockId)); break;
            case QuorumClaimMessage q: postFromPeer(new PeerClaimsQuorum(peer, q.Height, q.Round, q.Type, q.BlockId)); break;
            case TxsMessage t: mempool.OnTxs(peer, t); break;
            case PeersMessage m: mempool.OnPeers(peer, m); break;
            case BlocksRequestMessage r: sync.Serve(peer, r); break;
            case BlockResponseMessage b: OnBlock(peer, b); break;
        }
    }

    // id: SHA-256 of the signed proposal as it arrived (its canonical encoding), computed once here.
    private void OnProposal(Peer peer, ProposalMessage message, Hash32 id, ReadOnlySpan<byte> payload)
    {
        var (proposal, block) = (message.Proposal, message.Block);
        var view = committed();
        if (proposal.Height <= view.Height) return; // stale: the peer is behind and will sync
        if (block.Id != proposal.BlockId || block.Height != proposal.Height) Reject("proposal does not match its block");
        // The signature covers the header only: the body must be the one the header commits to.
        string structure = block.CheckStructure();
        if (structure.Length > 0) Reject($"proposed block body does not match its header: {structure}");
        var proposer = view.Validators.Proposer(proposal.Height, proposal.Round);
        if (proposal.Proposer != proposer.Address) Reject("proposal from a validator whose turn it is not");
        if (!verifier.Verify(proposer.PublicKey, proposal.SignBytes(chainId), proposal.Signature)) Reject("proposal signature does not verify");
        // Transactions this node never admitted (dropped while its admission was saturated) would
        // otherwise be checked one by one on the loop, between the proposal and this node's prevote.
        VerifyTransactions(block.Transactions);
        // Remembered only once the loop has it: a copy dropped on a full inbox must be taken again.
        if (postFromPeer(new PeerProposal(peer, proposal, block, id, payload.ToArray()))) RememberProposal(id);
    }

    private void OnVote(Peer peer, VoteMessage message, ReadOnlySpan<byte> payload)
    {
        var vote = message.Vote;
        var view = committed();
        if (vote.Height <= view.Height) return;
        var validator = view.Validators.Find(vote.Validator);
        if (validator is null) Reject("vote from a non-validator");
        if (!verifier.Verify(validator!.PublicKey, vote.SignBytes(chainId), vote.Signature)) Reject("vote signature does not verify");
        postFromPeer(new PeerVote(peer, vote, Sha256.Hash(payload[1..]), payload.ToArray()));
    }

    private void OnBlock(Peer peer, BlockResponseMessage message)
    {
        var (block, commit) = (message.Block, message.Commit);
        var view = committed();
        if (block.Height <= view.Height) return; // already have it (an answer to a request that timed out)
        string structure = block.CheckStructure();
        if (structure.Length > 0) Reject($"block {block.Height} body does not match its header: {structure}");
        string error = commit.Verify(chainId, view.Validators, block.Height, block.Id, verifier);
        if (error.Length > 0) Reject($"block {block.Height} with an invalid commit: {error}");
        // Checked here, off the loop, so the loop finds every result in the cache and executes while
        // the next blocks are checked.
        VerifyTransactions(block.Transactions);
        long bytes = 1024;
        foreach (var tx in block.Transactions) bytes += tx.Encoded.Length + tx.Body.Length;
        postFromPeer(new PeerBlock(peer, block, commit, bytes));
    }

    /// <summary>
    /// Checks the transactions' signatures into the verifier's cache on every core: this reader takes
    /// a share and the thread pool the rest. One reader alone kept a catching-up node at one core of
    /// signature checks while the other core idled. Results are only remembered here; the loop
    /// still decides what an invalid signature means (a block holding one is rejected there).
    /// </summary>
    private void VerifyTransactions(IReadOnlyList<Transaction> txs)
    {
        const int Chunk = NodeLimits.VerifyChunkTxs;
        if (txs.Count <= Chunk)
        {
            foreach (var tx in txs) verifier.VerifyTransaction(tx);
            return;
        }
        Parallel.For(0, (txs.Count + Chunk - 1) / Chunk, VerifyParallelism, chunk =>
        {
            int end = Math.Min(txs.Count, (chunk + 1) * Chunk);
            for (int i = chunk * Chunk; i < end; i++) verifier.VerifyTransaction(txs[i]);
        });
    }

    /// <summary>The id of a proposal message (hash of its signed proposal, which precedes the block), read before any decoding.</summary>
    private static Hash32? ProposalIdOf(Channel channel, ReadOnlySpan<byte> payload) =>
        channel == Channel.Consensus && payload.Length > 1 + Proposal.EncodedSize && payload[0] == (byte)MessageKind.Proposal
            ? Sha256.Hash(payload.Slice(1, Proposal.EncodedSize))
            : null;

    private bool IsKnownProposal(Peer peer, in Hash32 id)
    {
        if (!_proposalsSeen.ContainsKey(id)) return false;
        postFromPeer(new PeerHas(peer, id));
        return true;
    }

    private void RememberProposal(in Hash32 id)
    {
        if (Interlocked.Increment(ref _proposalsSeenCount) > NodeLimits.ProposalsSeenMax) ForgetProposalsSeen();
        _proposalsSeen.TryAdd(id, 0);
    }

    /// <summary>After a commit (loop), or when the set is full.</summary>
    public void ForgetProposalsSeen()
    {
        _proposalsSeen.Clear();
        Volatile.Write(ref _proposalsSeenCount, 0);
    }

    private void Reject(string reason)
    {
        metrics.Rejected.WithLabels("p2p", "invalid").Inc();
        throw new ProtocolViolationException(reason);
    }
}
