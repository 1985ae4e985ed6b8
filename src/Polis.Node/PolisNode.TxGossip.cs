using System.Collections.Concurrent;
using System.Collections.Frozen;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Network;
using Polis.Node.Wire;

namespace Polis.Node;

/// <summary>
/// Transaction gossip: newly admitted transactions are batched (many per frame) and sent every few
/// milliseconds to every peer except the one they came from and that one's own peers (each node
/// announces its peers): the sender already passed them on to those. Every node that admits a
/// transaction forwards it this way, so it still floods any connected graph (a node skipped was
/// sent it by a node earlier on the path, back to the origin, which sends to all), while in a full
/// mesh of validators each receives a transaction once instead of once from every other validator.
/// Peers drop duplicates by hash before verifying.
/// </summary>
public sealed partial class PolisNode
{
    private static readonly TimeSpan TxGossipInterval = TimeSpan.FromMilliseconds(10);
    private const int TxBatchBytesMax = 512 * 1024;
    private const int TxOutboxMax = 500_000;
    private readonly ConcurrentQueue<(Transaction Tx, Peer? From)> _txOutbox = new();
    /// <summary>Each peer's own peers, as it last announced them (written on its reader, read by the gossip task).</summary>
    private readonly ConcurrentDictionary<Peer, FrozenSet<PublicKey>> _peersOfPeer = new();

    /// <summary>Tells every peer whom we are connected to now (loop: after each connect and disconnect).</summary>
    private void AnnouncePeers()
    {
        var keys = _peers.Keys.Select(p => p.Key).Take(WireCodec.PeersPerMessageMax).ToList();
        _p2p.Broadcast(Channel.Transactions, WireCodec.Encode(new PeersMessage(keys)));
    }

    private void OnPeersMessage(Peer peer, PeersMessage message)
    {
        _peersOfPeer[peer] = message.Peers.ToFrozenSet();
        if (!peer.IsConnected) ForgetPeersOf(peer); // raced its disconnect: the loop may already have forgotten it
    }

    private void ForgetPeersOf(Peer peer) => _peersOfPeer.TryRemove(peer, out _);

    /// <summary>Whether <paramref name="from"/> passed its transactions on to <paramref name="to"/> itself (as far as it told us).</summary>
    private bool AlreadySentBy(Peer from, Peer to) =>
        from == to || (_peersOfPeer.TryGetValue(from, out var theirs) && theirs.Contains(to.Key));

    private void QueueTxGossip(Transaction tx, Peer? from)
    {
        if (_txOutbox.Count < TxOutboxMax) _txOutbox.Enqueue((tx, from));
    }

    private async Task TxGossipAsync()
    {
        using var timer = new PeriodicTimer(TxGossipInterval);
        var batch = new List<(Transaction Tx, Peer? From)>();
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                while (!_txOutbox.IsEmpty)
                {
                    batch.Clear();
                    int bytes = 0;
                    while (batch.Count < WireCodec.TxsPerMessageMax && bytes < TxBatchBytesMax && _txOutbox.TryDequeue(out var item))
                    {
                        batch.Add(item);
                        bytes += item.Tx.Encoded.Length + 4;
                    }
                    SendBatch(batch);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void SendBatch(List<(Transaction Tx, Peer? From)> batch)
    {
        var peers = _p2p.Peers;
        bool anyRelayed = batch.Exists(b => b.From is not null);
        byte[]? all = anyRelayed ? null : WireCodec.EncodeTxs(batch.ConvertAll(b => b.Tx.Encoded));
        foreach (var peer in peers)
        {
            // A peer whose queue is full misses this batch; transactions still reach it inside blocks.
            if (all is not null) peer.Send(Channel.Transactions, all);
            else
            {
                var forPeer = new List<byte[]>(batch.Count);
                foreach (var (tx, from) in batch)
                    if (from is null || !AlreadySentBy(from, peer)) forPeer.Add(tx.Encoded);
                if (forPeer.Count > 0) peer.Send(Channel.Transactions, WireCodec.EncodeTxs(forPeer));
            }
        }
    }
}
