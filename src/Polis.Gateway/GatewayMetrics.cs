using Prometheus;

namespace Polis.Gateway;

/// <summary>
/// The gateway's Prometheus metrics, in the node's registry when it runs inside a node, else in its
/// own. Per-reason counters are resolved once, so counting a reading is one atomic add.
/// </summary>
public sealed class GatewayMetrics
{
    private readonly Counter.Child[] _readings;

    public GatewayMetrics(CollectorRegistry registry)
    {
        Registry = registry;
        var f = Prometheus.Metrics.WithCustomRegistry(registry);
        var readings = f.CreateCounter("polis_gateway_readings_total", "Readings submitted to the gateway, by outcome (accepted, duplicate, or the reason of the rejection).", "reason");
        _readings = new Counter.Child[ReadingReasons.Count];
        for (int i = 0; i < _readings.Length; i++) _readings[i] = readings.WithLabels(((ReadingReason)i).Name());
        CommitGroups = f.CreateCounter("polis_gateway_commit_groups_total", "Synced writes of accepted readings (group commits).");
        Unsealed = f.CreateGauge("polis_gateway_readings_unsealed", "Accepted readings waiting for the next batch.");
        Stored = f.CreateGauge("polis_gateway_readings_stored", "Readings this gateway has stored since its store began (across restarts): GET /v1/gateway's readingsAccepted.");
        BatchesSealed = f.CreateCounter("polis_gateway_batches_sealed_total", "Batches sealed and signed for anchoring.");
        BatchesAnchored = f.CreateCounter("polis_gateway_batches_anchored_total", "Batches whose anchor committed successfully.");
        Unanchored = f.CreateGauge("polis_gateway_batches_unanchored", "Sealed batches whose anchor has not committed yet.");
        AnchorFailures = f.CreateCounter("polis_gateway_anchor_failures_total", "Anchoring attempts that failed, by reason.", "reason");
        AnchoredHeight = f.CreateGauge("polis_gateway_anchored_height", "Height of the last anchored batch.");
        KeyLookups = f.CreateCounter("polis_gateway_device_key_lookups_total", "Device keys fetched from the node (cache misses).");
    }

    public CollectorRegistry Registry { get; }
    public Counter CommitGroups { get; }
    public Gauge Unsealed { get; }
    /// <summary>The one source of "readings accepted" for the API and the metrics: the store's count, set after each synced write.</summary>
    public Gauge Stored { get; }
    public Counter BatchesSealed { get; }
    public Counter BatchesAnchored { get; }
    public Gauge Unanchored { get; }
    public Counter AnchorFailures { get; }
    public Gauge AnchoredHeight { get; }
    public Counter KeyLookups { get; }

    public void Count(ReadingReason reason) => _readings[(int)reason].Inc();

    public double Readings(ReadingReason reason) => _readings[(int)reason].Value;
}
