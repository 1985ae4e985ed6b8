using Polis.Consensus.Events;
using Polis.Core.Ledger;
using Polis.Network;
using Polis.Node.Gossip;
using Polis.Node.Storage;
using Polis.Node.Wire;

namespace Polis.Node.Sync;

/// <summary>
/// Block sync (CometBFT's blocksync reactor): a node behind its peers asks one of the highest for
/// the next blocks with their commits (checked against the validator set on the peer's reader),
/// keeps the answers in order, and hands each to consensus as the decision of a past height. The
/// same path serves a new node from genesis and a validator that was down; once caught up it
/// simply keeps taking part in consensus. Serving peers' requests reads the block store only.
/// Threading: <see cref="Serve"/> runs on peers' reader threads; everything else on the loop.
/// </summary>
internal sealed class BlockSyncReactor(Polis.Execution.Chain chain, BlockStore blocks, PeerTable peers, Func<ulong> committedHeight)
{
    private readonly SortedDictionary<ulong, (Block Block, Commit Commit)> _buffer = new();
    private Peer? _requestedFrom;
    /// <summary>The peer asked last sent at least one of the blocks asked for (our own commits of those heights prove nothing of its claim).</summary>
    private bool _requestAnswered;
    private ulong _requestedFirst;
    private ulong _requestedTo;
    /// <summary>Requests in a row a peer left without one of the blocks asked for while its claim stayed ahead of us.</summary>
    private readonly Dictionary<Peer, int> _unanswered = new();
    private long _requestedAt;
    private long _bufferBytes;

    /// <summary>Peers say they are more than a height ahead: blocks are fetched rather than voted on (a claim: for status and requests only).</summary>
    public bool IsSyncing => peers.BestHeight > chain.Height + 1;

    /// <summary>
    /// A fetched block of a later height, its commit checked, is in hand: the chain has provably
    /// moved past <paramref name="height"/>. The only case in which a commit may skip the fsync
    /// (a crash re-fetches it); a peer's word never suffices.
    /// </summary>
    public bool HoldsLaterBlock(ulong height)
    {
        foreach (var buffered in _buffer.Keys) if (buffered > height) return true;
        return false;
    }

    /// <summary>Peers dropped because their height claims did not pan out.</summary>
    public long PeersDroppedForClaims { get; private set; }

    public void RequestBlocks()
    {
        // Heights decided by consensus while their fetched copy waited are dropped here.
        while (_buffer.Count > 0 && _buffer.Keys.First() <= chain.Height) TryTake(_buffer.Keys.First(), out _);
        ulong best = peers.BestHeight;
        if (best <= chain.Height) return;
        long now = Environment.TickCount64;
        if (_requestedFrom is not null && now - _requestedAt >= NodeLimits.SyncRequestTimeoutMs && !_requestAnswered)
        {
            // A claim we caught up with by ourselves panned out (its answer may have come too late to use).
            if (peers.TryGet(_requestedFrom, out var claimed) && claimed.Height > chain.Height + 1) Unanswered(_requestedFrom);
            else _requestedFrom = null;
        }
        // Pipelined: the next request leaves once the last block of the previous one has arrived, so
        // the peer reads and sends the next blocks while this node executes the buffered ones.
        bool outstanding = _requestedFrom is not null && _requestedTo > chain.Height && !_buffer.ContainsKey(_requestedTo)
                           && now - _requestedAt < NodeLimits.SyncRequestTimeoutMs && peers.Contains(_requestedFrom);
        if (outstanding) return;
        ulong from = chain.Height + 1;
        while (_buffer.ContainsKey(from)) from++;
        if (from > best || _buffer.Count + NodeLimits.SyncRequestBlocksMax > NodeLimits.SyncBufferBlocksMax || _bufferBytes >= NodeLimits.SyncBufferBytesMax) return;
        int count = (int)Math.Min((ulong)NodeLimits.SyncRequestBlocksMax, best - from + 1);
        // Spread load: among the peers at the best height, take the one after the last we used.
        var candidates = peers.Views.Where(v => v.Height >= from).Select(v => v.Peer).ToList();
        if (candidates.Count == 0) return;
        var peer = candidates[(int)(from / (ulong)NodeLimits.SyncRequestBlocksMax % (ulong)candidates.Count)];
        if (_requestedFrom is not null && candidates.Count > 1 && peer == _requestedFrom && now - _requestedAt >= NodeLimits.SyncRequestTimeoutMs)
            peer = candidates.First(p => p != _requestedFrom);
        if (!peer.Send(Channel.Sync, WireCodec.Encode(new BlocksRequestMessage(from, count)))) return;
        _requestedFrom = peer;
        _requestAnswered = false;
        _requestedFirst = from;
        _requestedTo = from + (ulong)count - 1;
        _requestedAt = now;
    }

    /// <summary>
    /// A peer that claimed a height and sent none of the blocks asked for within the timeout: its
    /// claim is set back to ours (its next status restores it) and after
    /// <see cref="NodeLimits.SyncUnansweredMax"/> such requests in a row it is disconnected. An
    /// honest peer that is merely slow delivers some of each request, which clears the count.
    /// </summary>
    private void Unanswered(Peer peer)
    {
        _requestedFrom = null;
        int count = _unanswered.GetValueOrDefault(peer) + 1;
        if (peers.TryGet(peer, out var view) && view.Height > chain.Height) view.Height = chain.Height;
        if (count < NodeLimits.SyncUnansweredMax)
        {
            _unanswered[peer] = count;
            return;
        }
        _unanswered.Remove(peer);
        PeersDroppedForClaims++;
        peer.Disconnect();
    }

    /// <summary>A peer left: its count goes with it.</summary>
    public void Forget(Peer peer) => _unanswered.Remove(peer);

    /// <summary>
    /// A fetched block (commit already checked): the next height goes to consensus at once through
    /// <paramref name="decide"/>; a later one that we asked for waits in order.
    /// </summary>
    public void OnBlock(PeerBlock input, ulong engineHeight, Action<CommitReceived> decide, Action<ulong> notAdopted)
    {
        if (input.From == _requestedFrom && input.Block.Height >= _requestedFirst && input.Block.Height <= _requestedTo)
        {
            // Only a block it was asked for clears its count: unsolicited ones prove nothing.
            _requestAnswered = true;
            _unanswered.Remove(input.From);
        }
        ulong height = input.Block.Height;
        if (height <= chain.Height) return;
        if (height == chain.Height + 1 && engineHeight == height)
        {
            decide(new CommitReceived(input.Block, input.Commit));
            if (chain.Height < height) notAdopted(height);
        }
        else if (input.From == _requestedFrom && height <= _requestedTo && _buffer.Count < NodeLimits.SyncBufferBlocksMax)
        {
            // Only answers to our request are kept: unrequested blocks could fill the buffer and starve the next height.
            if (_buffer.TryAdd(height, (input.Block, input.Commit))) _bufferBytes += ApproximateBytes(input.Block);
        }
        if (_requestedTo <= chain.Height || _buffer.ContainsKey(_requestedTo)) RequestBlocks();
    }

    /// <summary>Takes a height's fetched block out of the buffer, if it is there, and keeps the byte count.</summary>
    public bool TryTake(ulong height, out (Block Block, Commit Commit) next)
    {
        if (!_buffer.Remove(height, out next)) return false;
        _bufferBytes -= ApproximateBytes(next.Block);
        return true;
    }

    private static long ApproximateBytes(Block block)
    {
        long bytes = 1024;
        foreach (var tx in block.Transactions) bytes += tx.Encoded.Length;
        return bytes;
    }

    /// <summary>Serves a peer's request from the store (reader thread: the store is safe to read concurrently).</summary>
    public void Serve(Peer peer, BlocksRequestMessage request)
    {
        // An honest peer has one request outstanding; one that asks again before reading gets nothing more.
        if (peer.QueuedFrames(Channel.Sync) >= WireCodec.BlocksPerRequestMax) return;
        ulong last = Math.Min(committedHeight(), request.From + (ulong)request.Count - 1);
        for (ulong h = request.From; h <= last; h++)
        {
            var block = blocks.GetBlockBytes(h);
            var commit = blocks.GetCommitBytes(h);
            if (block is null || commit is null) return;
            if (!peer.Send(Channel.Sync, WireCodec.EncodeBlockResponse(block, commit))) return;
        }
    }
}
