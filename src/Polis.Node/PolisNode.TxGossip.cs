using System.Collections.Concurrent;
using Polis.Core.Ledger;
using Polis.Network;
using Polis.Node.Wire;

namespace Polis.Node;

/// <summary>
/// Transaction gossip: newly admitted transactions are batched (many per frame) and sent to every
/// peer but the one they came from, every few milliseconds. Peers drop duplicates by hash before
/// verifying, so a transaction costs each node one signature check however many times it arrives.
/// </summary>
public sealed partial class PolisNode
{
    private static readonly TimeSpan TxGossipInterval = TimeSpan.FromMilliseconds(10);
    private const int TxBatchBytesMax = 512 * 1024;
    private const int TxOutboxMax = 500_000;
    private readonly ConcurrentQueue<(Transaction Tx, Peer? From)> _txOutbox = new();

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
                var forPeer = batch.Where(b => b.From != peer).Select(b => b.Tx.Encoded).ToList();
                if (forPeer.Count > 0) peer.Send(Channel.Transactions, WireCodec.EncodeTxs(forPeer));
            }
        }
    }
}
