using Prometheus;

namespace Polis.Node.Metrics;

/// <summary>The node's Prometheus metrics, in a registry of its own (tests run several nodes in one process).</summary>
public sealed class NodeMetrics
{
    public NodeMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var f = Prometheus.Metrics.WithCustomRegistry(Registry);
        Height = f.CreateGauge("polis_height", "Last committed block height.");
        Round = f.CreateGauge("polis_round", "Consensus round at the working height.");
        Commits = f.CreateCounter("polis_commits_total", "Blocks committed by this node.");
        CommitsUnsynced = f.CreateCounter("polis_commits_unsynced_total", "Blocks committed without waiting for the disk: only while catching up, with a later block and its checked commit in hand.");
        PeersDroppedForClaims = f.CreateCounter("polis_peers_dropped_for_claims_total", "Peers disconnected because the height they claimed was never shown (block requests left unanswered).");
        TxsCommitted = f.CreateCounter("polis_txs_committed_total", "Transactions in committed blocks.");
        MempoolSize = f.CreateGauge("polis_mempool_size", "Transactions waiting in the mempool.");
        Peers = f.CreateGauge("polis_peers", "Connected, authenticated peers.");
        EvidencePending = f.CreateGauge("polis_evidence_pending", "Evidence of equivocation held, by kind (vote: waiting for a block; proposal: kept for governance).", "kind");
        Rejected = f.CreateCounter("polis_rejected_inputs_total", "Inputs rejected, by source and reason.", "source", "reason");
        BlockInterval = f.CreateHistogram("polis_block_interval_seconds", "Time between consecutive commits at this node.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.05, 2, 10) });
        PeerDisconnects = f.CreateCounter("polis_p2p_disconnects_total", "Peer connections dropped, by reason.", "reason");
        HandshakesRefused = f.CreateCounter("polis_p2p_handshakes_refused_total",
            "Inbound connections closed at accept: address (their source held its share of handshake slots), full (every slot was taken).", "reason");
        LoopDropped = f.CreateCounter("polis_loop_dropped_total", "Peer messages dropped because the node's loop was saturated.");
        TxsReceived = f.CreateCounter("polis_p2p_txs_received_total", "Transactions received from peers: new (admitted), duplicate (already held), refused.", "result");
        SignatureChecks = f.CreateCounter("polis_signature_checks_total", "Ed25519 signatures checked by libsodium (transactions, votes, proposals, commits); a repeat is answered from the cache.");
        SignatureCacheHits = f.CreateCounter("polis_signature_cache_hits_total", "Signature checks answered from the cache of results.");
        WalAppends = f.CreateCounter("polis_wal_appends_total", "Sign records synced to the consensus WAL.");
    }

    public CollectorRegistry Registry { get; }
    public Counter CommitsUnsynced { get; }
    public Counter PeersDroppedForClaims { get; }
    public Gauge Height { get; }
    public Gauge EvidencePending { get; }
    public Gauge Round { get; }
    public Counter Commits { get; }
    public Counter TxsCommitted { get; }
    public Gauge MempoolSize { get; }
    public Gauge Peers { get; }
    public Counter Rejected { get; }
    public Histogram BlockInterval { get; }
    public Counter PeerDisconnects { get; }
    public Counter HandshakesRefused { get; }
    public Counter LoopDropped { get; }
    public Counter WalAppends { get; }
    public Counter TxsReceived { get; }
    public Counter SignatureChecks { get; }
    public Counter SignatureCacheHits { get; }
}
