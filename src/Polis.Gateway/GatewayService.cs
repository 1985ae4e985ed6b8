using Polis.Core.Net;
using Microsoft.Extensions.Logging;
using Polis.Modules.Devices;
using Polis.Client.Api;
using Polis.Core.Crypto;
using Polis.Core.Merkle;
using Polis.Client.Config;
using Prometheus;

namespace Polis.Gateway;

/// <summary>Replaceable parts of a gateway, for tests: where device keys come from and what anchors go to.</summary>
public sealed record GatewayDependencies(IDeviceDirectory? Directory = null, IAnchorChain? Chain = null, bool FollowEvents = true, TimeProvider? Time = null);

/// <summary>
/// A gateway: readings in over MQTT and HTTP, verified against devices' on-chain keys, stored in its
/// own RocksDB, batched into Merkle trees and anchored on chain one transaction per batch; proofs out.
/// <see cref="Open"/> opens the store (and recovers pending readings) without touching the network,
/// so its endpoints can be mapped before the API starts; <see cref="StartAsync"/> starts ingress,
/// anchoring and the event follower; <see cref="DisposeAsync"/> stops ingress, writes what was
/// queued, and closes the store.
/// </summary>
public sealed class GatewayService : IAsyncDisposable
{
    private readonly ILogger _log;
    private readonly ReadingCommitter _committer;
    private readonly DeviceKeyCache _keys;
    private readonly NodeClient _node;
    private readonly GatewayDependencies _dependencies;
    private readonly CancellationTokenSource _stop = new();
    private EmbeddedMqttBroker? _broker;
    private ExternalMqttIngress? _external;
    private Task _anchoring = Task.CompletedTask, _events = Task.CompletedTask;
    private bool _disposed;

    private GatewayService(GatewayConfig config, string chainId, KeyPair account, GatewayStore store, NodeClient node, GatewayMetrics metrics,
        ILoggerFactory logs, GatewayDependencies dependencies)
    {
        Config = config;
        ChainId = chainId;
        Account = account.Address;
        Store = store;
        Metrics = metrics;
        _node = node;
        _dependencies = dependencies;
        _log = logs.CreateLogger("polis.gateway");
        var pending = Recover(store);
        _committer = new ReadingCommitter(store, pending, metrics, config.QueuedReadingsMax, _log);
        _keys = new DeviceKeyCache(dependencies.Directory ?? new NodeDeviceDirectory(node), dependencies.Time);
        Pipeline = new ReadingPipeline(chainId, config.Id, _keys, _committer, metrics, dependencies.Time);
        Anchorer = new Anchorer(config, chainId, account, store, pending, dependencies.Chain ?? new NodeAnchorChain(node), metrics, _log, dependencies.Time);
        _committer.Committed += waiting => { if (waiting >= config.BatchReadingsMax) Anchorer.Wake(); };
        Proofs = new ProofAssembler(config.Id, store, node);
        metrics.Unsealed.Set(pending.Count);
        metrics.Stored.Set(store.NextOrder);
        _log.LogInformation("gateway '{Id}' opened: {Accepted} readings accepted so far, {Pending} waiting for a batch, {Unanchored} batches to anchor, account {Account}",
            config.Id, store.NextOrder, pending.Count, store.NextBatch - store.AnchoredBatches, Account);
    }

    public GatewayConfig Config { get; }
    public string ChainId { get; }
    public Address Account { get; }
    public GatewayStore Store { get; }
    public GatewayMetrics Metrics { get; }
    public ReadingPipeline Pipeline { get; }

    /// <summary>Permits for HTTP submissions in progress, in all and per client address.</summary>
    public AddressSlots HttpSubmissions { get; } = new(GatewayLimits.HttpSubmissionsMax, GatewayLimits.HttpSubmissionsPerAddressMax);
    public Anchorer Anchorer { get; }
    public ProofAssembler Proofs { get; }
    /// <summary>The embedded broker's endpoint, when it runs.</summary>
    public System.Net.IPEndPoint? MqttEndpoint => _broker?.Listen;

    /// <summary>Opens the gateway's store and key; <paramref name="baseDirectory"/> resolves relative paths of the config.</summary>
    public static GatewayService Open(GatewayConfig config, string baseDirectory, string chainId, string nodeUrl, CollectorRegistry registry, ILoggerFactory logs,
        GatewayDependencies? dependencies = null)
    {
        string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.Combine(baseDirectory, path);
        var account = KeyFile.Load(Resolve(config.AccountKeyFile));
        var store = new GatewayStore(Resolve(config.DataDirectory));
        try
        {
            var service = new GatewayService(config, chainId, account, store, new NodeClient(nodeUrl), new GatewayMetrics(registry), logs, dependencies ?? new GatewayDependencies());
            if (config.MqttBrokerUser is { } user) service._brokerCredentials = (user, ReadSecret(Resolve(config.MqttBrokerPasswordFile!)));
            return service;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    private (string User, string Password)? _brokerCredentials;

    /// <summary>A password file's first line (at most 1 KiB).</summary>
    private static string ReadSecret(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"gateway.mqttBrokerPasswordFile: {path} does not exist");
        if (info.Length > 1024) throw new FormatException($"gateway.mqttBrokerPasswordFile: {path} is over 1 KiB");
        string secret = File.ReadAllText(path).Split('\n')[0].TrimEnd('\r');
        if (secret.Length == 0) throw new FormatException($"gateway.mqttBrokerPasswordFile: {path} is empty");
        return secret;
    }

    /// <summary>Readings accepted after the last sealed batch go into the next one: reload them from the store.</summary>
    private static PendingReadings Recover(GatewayStore store)
    {
        var pending = new PendingReadings(store.SealedOrder);
        var leaves = new List<Hash32>();
        var times = new List<long>();
        ulong expected = store.SealedOrder;
        foreach (var (order, bytes) in store.Readings(store.SealedOrder, store.NextOrder))
        {
            Polis.Core.Invariant.Check(order == expected++, "gateway store: accepted readings have no gaps");
            leaves.Add(MerkleTree.LeafHash(bytes));
            times.Add(Reading.Decode(bytes).TimeMs);
        }
        Polis.Core.Invariant.Check(expected == store.NextOrder, "gateway store: every accepted reading is stored");
        pending.Append(store.SealedOrder, leaves, times);
        return pending;
    }

    /// <summary>Starts MQTT ingress, anchoring and the device-key event follower.</summary>
    public async Task StartAsync()
    {
        if (Config.MqttBroker is { } broker && GatewayConfig.TryParseHostPort(broker, out string host, out int port))
        {
            _external = new ExternalMqttIngress(host, port, Config.Id, Pipeline, _log, _brokerCredentials);
            _external.Start();
        }
        else if (Config.MqttListen.Length > 0 && GatewayConfig.TryParseListen(Config.MqttListen, out var listen))
        {
            var concentrators = Config.MqttConcentrators.Select(k => Polis.Core.Crypto.PublicKey.TryParse(k, out var key) ? key : throw new FormatException($"gateway.mqttConcentrators: '{k}'")).ToHashSet();
            _broker = new EmbeddedMqttBroker(listen, Pipeline, new MqttAccess(ChainId, Config.Id, _keys, concentrators, _dependencies.Time ?? TimeProvider.System), _log);
            try
            {
                await _broker.StartAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new IOException($"cannot start the gateway's MQTT broker on {listen}: {e.Message}", e);
            }
        }
        _anchoring = Task.Run(() => Anchorer.RunAsync(_stop.Token));
        if (_dependencies.FollowEvents) _events = Task.Run(() => new DeviceEventFollower(_node, _keys, _log).RunAsync(_stop.Token));
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        // Ingress first, so nothing new arrives; then everything queued is written; then the rest stops.
        if (_broker is not null) await _broker.DisposeAsync();
        if (_external is not null) await _external.DisposeAsync();
        await _committer.DisposeAsync();
        _stop.Cancel();
        foreach (var task in new[] { _anchoring, _events })
        {
            try { await task.WaitAsync(TimeSpan.FromSeconds(10)); }
            catch (OperationCanceledException) { }
            catch (TimeoutException) { _log.LogError("gateway: a background task did not stop within 10 s"); }
            catch (Exception e) { _log.LogError(e, "gateway: background task failed"); }
        }
        Store.Dispose();
        _node.Dispose();
        _stop.Dispose();
        _log.LogInformation("gateway '{Id}' stopped: {Accepted} readings accepted, {Batches} batches sealed, {Anchored} anchored",
            Config.Id, Store.NextOrder, Store.NextBatch, Store.AnchoredBatches);
    }
}
