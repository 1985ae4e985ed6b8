using System.Collections.Concurrent;
using Polis.Modules.Devices;
using Microsoft.Extensions.Logging.Abstractions;
using Polis.Client.Api;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Client.Config;
using Polis.Gateway;

namespace Polis.Gateway.Tests;

/// <summary>Builders and fakes for gateway tests: devices with keys, a fake key directory, a fake chain that anchors.</summary>
internal static class GatewayTestKit
{
    public const string ChainId = "polis-gw-test";
    public const string GatewayId = "gw-1";
    public static readonly KeyPair Account = KeyPair.FromLabel("gw-test-account");
    public static readonly KeyPair Meter = KeyPair.FromLabel("gw-test-meter");
    public static readonly KeyPair Other = KeyPair.FromLabel("gw-test-other");

    public static Reading ReadingOf(string device, ulong sequence, KeyPair key, long value = 1, string chainId = ChainId) =>
        Reading.Create(chainId, device, sequence, Now + (long)sequence, "energy", "wh", [value], null, key);

    /// <summary>The time the test readings are taken around: this run's start (the gateway refuses readings far from its clock).</summary>
    public static readonly long Now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public static FakeDirectory Directory() => new FakeDirectory()
        .With("meter-1", Meter)
        .With("meter-2", Other)
        .Revoked("meter-old", Other);

    public static GatewayConfig TestConfig(string dataDirectory, int batchMax = 10_000) => new()
    {
        Enabled = true,
        Id = GatewayId,
        AccountKeyFile = "gateway_key.json",
        DataDirectory = dataDirectory,
        MqttListen = "",
        BatchReadingsMax = batchMax,
        BatchIntervalMs = 1_000,
    };

    /// <summary>A gateway over a temp directory with fakes for the directory and the chain; no network is used.</summary>
    public static GatewayService Open(string directory, IDeviceDirectory devices, IAnchorChain chain, GatewayConfig? config = null, TimeProvider? time = null)
    {
        string keyPath = Path.Combine(directory, "gateway_key.json");
        if (!File.Exists(keyPath)) KeyFile.Save(keyPath, Account);
        return GatewayService.Open(config ?? TestConfig("gateway-data"), directory, ChainId, "http://127.0.0.1:1", Prometheus.Metrics.NewCustomRegistry(),
            NullLoggerFactory.Instance, new GatewayDependencies(devices, chain, FollowEvents: false, time));
    }
}

internal sealed class FakeDirectory : IDeviceDirectory
{
    private readonly ConcurrentDictionary<string, DeviceKeyInfo> _devices = new();
    public int Lookups;
    public bool Down;

    /// <summary>A device with <paramref name="key"/>, going through <paramref name="gateway"/> (the test gateway by default).</summary>
    public FakeDirectory With(string id, KeyPair key, string gateway = GatewayTestKit.GatewayId, long gatewaySinceMs = 0)
    {
        _devices[id] = new DeviceKeyInfo(key.PublicKey, false, gateway, gatewaySinceMs);
        return this;
    }

    public FakeDirectory Revoked(string id, KeyPair key)
    {
        _devices[id] = new DeviceKeyInfo(key.PublicKey, true, GatewayTestKit.GatewayId);
        return this;
    }

    public Task<DeviceKeyInfo?> LookupAsync(string deviceId, CancellationToken cancel)
    {
        Interlocked.Increment(ref Lookups);
        if (Down) throw new NodeApiException(0, "cannot reach the node at http://10.9.8.7:8080: connection refused");
        return Task.FromResult(_devices.TryGetValue(deviceId, out var info) ? info : null);
    }
}

/// <summary>
/// A chain that commits every admitted transaction at once (one block per transaction) and applies
/// the devices module's anchor rules: registered gateway, its account, the next batch number.
/// </summary>
internal sealed class FakeChain : IAnchorChain
{
    private readonly Dictionary<Hash32, TxStatusResponse> _txs = new();
    private readonly Dictionary<ulong, AnchorRecord> _anchors = new();
    private ulong _nonce, _height, _nextBatch;
    public bool Registered = true;
    /// <summary>Result code the next anchor fails with (its nonce is consumed, as on the real chain).</summary>
    public string? FailNext;
    public readonly List<byte[]> Submitted = new();

    public IReadOnlyDictionary<ulong, AnchorRecord> Anchors => _anchors;
    public ulong NextBatch => _nextBatch;

    public Task<GatewayResponse?> GatewayAsync(string gatewayId, CancellationToken cancel) => Task.FromResult(Registered
        ? new GatewayResponse(gatewayId, GatewayTestKit.Account.Address.ToString(), GatewayTestKit.Account.Address.ToString(), 1, _nextBatch, null, _height)
        : null);

    public Task<ulong> NextNonceAsync(Address account, CancellationToken cancel) => Task.FromResult(_nonce);

    public Task<(int Status, string Message)> SubmitAsync(byte[] bytes, CancellationToken cancel)
    {
        Submitted.Add(bytes);
        var tx = Transaction.Decode(bytes);
        if (_txs.ContainsKey(tx.Hash)) return Task.FromResult((202, "known"));
        if (tx.Nonce != _nonce) return Task.FromResult((400, tx.Nonce < _nonce ? "nonce already used" : "nonce gap"));
        _nonce++;
        _height++;
        var body = (DevicesBody.AnchorBatch)DevicesBody.Decode(tx.Body);
        string result = TxStatusResponse.OkResult;
        if (FailNext is not null) (result, FailNext) = (FailNext, null);
        else if (!Registered) result = DevicesResults.NotFound.Name;
        else if (body.Batch != _nextBatch) result = DevicesResults.OutOfOrder.Name;
        else
        {
            _anchors[body.Batch] = new AnchorRecord(body.Root, body.Count, body.FirstTimeMs, body.LastTimeMs, _height, tx.Hash);
            _nextBatch++;
        }
        _txs[tx.Hash] = new TxStatusResponse(tx.Hash.ToString(), "committed", _height, 0, result, "");
        return Task.FromResult((202, "admitted"));
    }

    public Task<TxStatusResponse?> TxStatusAsync(Hash32 hash, CancellationToken cancel) => Task.FromResult(_txs.TryGetValue(hash, out var s) ? s : null);

    public Task<AnchorRecord?> AnchorRecordAsync(string gatewayId, ulong batch, CancellationToken cancel) =>
        Task.FromResult(_anchors.TryGetValue(batch, out var a) ? a : null);
}

/// <summary>A clock the test moves.</summary>
internal sealed class ManualTime : TimeProvider
{
    private DateTimeOffset _now = DateTimeOffset.FromUnixTimeMilliseconds(GatewayTestKit.Now);
    public override DateTimeOffset GetUtcNow() => _now;
    public void Advance(TimeSpan by) => _now += by;
}
