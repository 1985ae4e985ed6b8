using System.Collections.Concurrent;
using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Network;
using Polis.Node.Metrics;
using Polis.Node.Wire;

namespace Polis.Node.Mempool;

/// <summary>
/// Transactions in (CometBFT's mempool reactor): admission from the API and from peers on the
/// low-priority admission workers, then gossip. Newly admitted transactions are batched and sent
/// every few milliseconds to every peer except the one they came from and that one's own peers
/// (each node announces its peers): the sender already passed them on to those. Every node that
/// admits a transaction forwards it this way, so it still floods any connected graph, while in a
/// full mesh of validators each receives a transaction once. Peers drop duplicates by hash before
/// verifying. Threading: <see cref="SubmitAsync"/> from API threads, <see cref="OnTxs"/> and
/// <see cref="OnPeers"/> from peers' readers, the gossip on its own task; the pool is thread-safe;
/// <see cref="AnnouncePeers"/> and <see cref="ForgetPeersOf"/> from the loop.
/// </summary>
internal sealed class MempoolReactor : IDisposable
{
    private readonly TxPool _pool;
    private readonly AdmissionWorkers _admission;
    private readonly P2PHost _p2p;
    private readonly NodeMetrics _metrics;
    private readonly ILogger _log;
    private readonly ConcurrentQueue<(Transaction Tx, Peer? From)> _outbox = new();
    /// <summary>Each peer's own peers, as it last announced them (written on its reader, read by the gossip task).</summary>
    private readonly ConcurrentDictionary<Peer, FrozenSet<PublicKey>> _peersOfPeer = new();

    public MempoolReactor(TxPool pool, P2PHost p2p, NodeMetrics metrics, ILogger log)
    {
        (_pool, _p2p, _metrics, _log) = (pool, p2p, metrics, log);
        _admission = new AdmissionWorkers(Environment.ProcessorCount, NodeLimits.AdmissionPendingTxsMax, e => log.LogError(e, "mempool admission failed"));
    }

    /// <summary>
    /// Admits transactions from a client, in order, on the low-priority admission workers. Once one is
    /// refused for lack of room the rest are not tried and answer <see cref="AdmissionCode.Full"/> too
    /// (a client's transactions are runs of nonces: a later one would only leave a gap). Null when
    /// the workers already hold as much as they may: the node is busy, the client should back off.
    /// </summary>
    public Task<Admission[]>? SubmitAsync(IReadOnlyList<Transaction> txs) => _admission.TryRun(txs.Count, () =>
    {
        var results = new Admission[txs.Count];
        for (int i = 0; i < txs.Count; i++)
        {
            results[i] = Submit(txs[i]);
            if (results[i].Code is AdmissionCode.Full or AdmissionCode.SenderFull)
            {
                for (int j = i + 1; j < txs.Count; j++) results[j] = results[i];
                break;
            }
        }
        return results;
    });

    /// <summary>Admits a transaction from a client (on an admission worker); on success it is gossiped to peers.</summary>
    private Admission Submit(Transaction tx)
    {
        var admission = _pool.TryAdd(tx);
        if (admission.Accepted) Queue(tx, null);
        else _metrics.Rejected.WithLabels("api", admission.Code.ToString()).Inc();
        _metrics.MempoolSize.Set(_pool.Count);
        return admission;
    }

    /// <summary>
    /// A peer's transactions (reader thread): duplicates are dropped here by hash; the rest is
    /// admitted on the admission workers. When those are saturated the batch is dropped: the
    /// transactions still reach this node inside blocks.
    /// </summary>
    public void OnTxs(Peer peer, TxsMessage message)
    {
        var fresh = new List<Transaction>(message.Txs.Count);
        foreach (var tx in message.Txs)
            if (!_pool.Contains(tx.Hash)) fresh.Add(tx);
        if (fresh.Count < message.Txs.Count) _metrics.TxsReceived.WithLabels("duplicate").Inc(message.Txs.Count - fresh.Count);
        if (fresh.Count == 0) return;
        if (!_admission.TryPost(fresh.Count, () => AdmitFromPeer(peer, fresh))) _metrics.TxsReceived.WithLabels("dropped").Inc(fresh.Count);
    }

    private void AdmitFromPeer(Peer peer, List<Transaction> txs)
    {
        foreach (var tx in txs)
        {
            // Signature first: honest peers relay only what they admitted, so a forged one (whoever it
            // names as sender, funded or not) marks the peer as hostile and ends the link.
            var admission = _pool.TryAdd(tx, signatureFirst: true);
            _metrics.TxsReceived.WithLabels(admission.Accepted ? "new" : admission.Code == AdmissionCode.Duplicate ? "duplicate" : "refused").Inc();
            if (admission.Accepted) Queue(tx, peer);
            else if (admission.Code is AdmissionCode.BadSignature or AdmissionCode.WrongChain)
            {
                _log.LogWarning("dropping peer {Peer}: transaction {Tx}: {Reason}", peer, tx.Hash.Short, admission.Reason);
                _metrics.Rejected.WithLabels("p2p", "invalid").Inc();
                peer.DisconnectForViolation();
                return;
            }
        }
        _metrics.MempoolSize.Set(_pool.Count);
    }

    /// <summary>Tells every peer whom we are connected to now (loop: after each connect and disconnect).</summary>
    public void AnnouncePeers(IEnumerable<Peer> connected)
    {
        var keys = connected.Select(p => p.Key).Take(WireCodec.PeersPerMessageMax).ToList();
        _p2p.Broadcast(Channel.Transactions, WireCodec.Encode(new PeersMessage(keys)));
    }

    /// <summary>A peer announced its peers (reader thread).</summary>
    public void OnPeers(Peer peer, PeersMessage message)
    {
        _peersOfPeer[peer] = message.Peers.ToFrozenSet();
        if (!peer.IsConnected) ForgetPeersOf(peer); // raced its disconnect: the loop may already have forgotten it
    }

    public void ForgetPeersOf(Peer peer) => _peersOfPeer.TryRemove(peer, out _);

    /// <summary>Whether <paramref name="from"/> passed its transactions on to <paramref name="to"/> itself (as far as it told us).</summary>
    private bool AlreadySentBy(Peer from, Peer to) =>
        from == to || (_peersOfPeer.TryGetValue(from, out var theirs) && theirs.Contains(to.Key));

    private void Queue(Transaction tx, Peer? from)
    {
        if (_outbox.Count < NodeLimits.TxOutboxTxsMax) _outbox.Enqueue((tx, from));
    }

    /// <summary>The gossip task: every few milliseconds, what was admitted goes out in batches.</summary>
    public async Task RunGossipAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(NodeLimits.TxGossipIntervalMs));
        var batch = new List<(Transaction Tx, Peer? From)>();
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                while (!_outbox.IsEmpty)
                {
                    batch.Clear();
                    int bytes = 0;
                    while (batch.Count < WireCodec.TxsPerMessageMax && bytes < NodeLimits.TxGossipFrameBytesMax && _outbox.TryDequeue(out var item))
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
        bool anyRelayed = batch.Exists(b => b.From is not null);
        byte[]? all = anyRelayed ? null : WireCodec.EncodeTxs(batch.ConvertAll(b => b.Tx.Encoded));
        foreach (var peer in _p2p.Peers)
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

    /// <summary>Stops admission (it reads the store: before the store closes).</summary>
    public void Dispose() => _admission.Dispose();
}
