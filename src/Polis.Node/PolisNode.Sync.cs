using Microsoft.Extensions.Logging;
using Polis.Consensus.Events;
using Polis.Core.Ledger;
using Polis.Network;
using Polis.Node.Wire;

namespace Polis.Node;

/// <summary>
/// Block sync: a node behind its peers asks one of the highest for the next blocks with their
/// commits (checked against the validator set on arrival), and feeds them to the engine as
/// decisions of past heights, executing each. The same path serves a new node from genesis and a
/// validator that was down; once caught up it simply keeps taking part in consensus.
/// </summary>
public sealed partial class PolisNode
{
    private const int SyncBatch = 32;
    private const int SyncBufferMax = 256;
    /// <summary>Bytes of fetched blocks waiting for their turn; the next request waits below this.</summary>
    private const long SyncBufferBytesMax = 64L * 1024 * 1024;
    private static readonly TimeSpan SyncRequestTimeout = TimeSpan.FromSeconds(4);

    private readonly SortedDictionary<ulong, (Block Block, Commit Commit)> _syncBuffer = new();
    private Peer? _syncPeer;
    private ulong _syncRequestedTo;
    private long _syncRequestedAt;
    private long _syncBufferBytes;

    private bool IsSyncing => BestPeerHeight > _chain.Height + 1;

    private ulong BestPeerHeight
    {
        get
        {
            ulong best = 0;
            foreach (var view in _peers.Values) if (view.Height is { } h && h > best) best = h;
            return best;
        }
    }

    private void RequestBlocks()
    {
        // Heights decided by consensus while their fetched copy waited are dropped here.
        while (_syncBuffer.Count > 0 && _syncBuffer.Keys.First() <= _chain.Height) TakeBuffered(_syncBuffer.Keys.First(), out _);
        ulong best = BestPeerHeight;
        if (best <= _chain.Height) return;
        long now = Environment.TickCount64;
        // Pipelined: the next request leaves once the last block of the previous one has arrived, so
        // the peer reads and sends the next blocks while this node executes the buffered ones.
        bool outstanding = _syncPeer is not null && _syncRequestedTo > _chain.Height && !_syncBuffer.ContainsKey(_syncRequestedTo)
                           && now - _syncRequestedAt < SyncRequestTimeout.TotalMilliseconds && _peers.ContainsKey(_syncPeer);
        if (outstanding) return;
        ulong from = _chain.Height + 1;
        while (_syncBuffer.ContainsKey(from)) from++;
        if (from > best || _syncBuffer.Count + SyncBatch > SyncBufferMax || _syncBufferBytes >= SyncBufferBytesMax) return;
        int count = (int)Math.Min((ulong)SyncBatch, best - from + 1);
        // Spread load: among the peers at the best height, take the one after the last we used.
        var candidates = _peers.Values.Where(v => v.Height >= from).Select(v => v.Peer).ToList();
        if (candidates.Count == 0) return;
        var peer = candidates[(int)(from / SyncBatch % (ulong)candidates.Count)];
        if (_syncPeer is not null && candidates.Count > 1 && peer == _syncPeer && now - _syncRequestedAt >= SyncRequestTimeout.TotalMilliseconds)
            peer = candidates.First(p => p != _syncPeer);
        if (!peer.Send(Channel.Sync, WireCodec.Encode(new BlocksRequestMessage(from, count)))) return;
        _syncPeer = peer;
        _syncRequestedTo = from + (ulong)count - 1;
        _syncRequestedAt = now;
    }

    private void OnPeerBlock(PeerBlock input)
    {
        ulong height = input.Block.Height;
        if (height <= _chain.Height) return;
        if (height == _chain.Height + 1 && _engine.Height == height)
        {
            FeedEngine(new CommitReceived(input.Block, input.Commit));
            if (_chain.Height < height)
                _log.LogWarning("block {Height} from a peer was not adopted (engine at height {Engine})", height, _engine.Height);
        }
        else if (input.From == _syncPeer && height <= _syncRequestedTo && _syncBuffer.Count < SyncBufferMax)
        {
            // Only answers to our request are kept: unrequested blocks could fill the buffer and starve the next height.
            if (_syncBuffer.TryAdd(height, (input.Block, input.Commit))) _syncBufferBytes += ApproximateBytes(input.Block);
        }
        if (_syncRequestedTo <= _chain.Height || _syncBuffer.ContainsKey(_syncRequestedTo)) RequestBlocks();
    }

    /// <summary>Takes a height's fetched block out of the buffer, if it is there, and keeps the byte count.</summary>
    private bool TakeBuffered(ulong height, out (Block Block, Commit Commit) next)
    {
        if (!_syncBuffer.Remove(height, out next)) return false;
        _syncBufferBytes -= ApproximateBytes(next.Block);
        return true;
    }

    private static long ApproximateBytes(Block block)
    {
        long bytes = 1024;
        foreach (var tx in block.Transactions) bytes += tx.Encoded.Length;
        return bytes;
    }

    /// <summary>Serves a peer's request from the store (reader thread: the store is safe to read concurrently).</summary>
    private void ServeBlocks(Peer peer, BlocksRequestMessage request)
    {
        // An honest peer has one request outstanding; one that asks again before reading gets nothing more.
        if (peer.QueuedFrames(Channel.Sync) >= WireCodec.BlocksPerRequestMax) return;
        ulong last = Math.Min(CommittedHeight, request.From + (ulong)request.Count - 1);
        for (ulong h = request.From; h <= last; h++)
        {
            var block = _blocks.GetBlockBytes(h);
            var commit = _blocks.GetCommitBytes(h);
            if (block is null || commit is null) return;
            if (!peer.Send(Channel.Sync, WireCodec.EncodeBlockResponse(block, commit))) return;
        }
    }
}
