using System.Net;
using System.Text.Json.Serialization;
using Polis.Modules.Devices;
using Polis.Client.Config;

namespace Polis.Gateway;

/// <summary>
/// The gateway's settings: the <c>gateway</c> section of a node's config.json (absent or
/// <c>enabled: false</c>: no gateway), or the whole config file of a standalone
/// <c>polis gateway run --config FILE</c>. Paths are relative to the node's home directory, or to
/// the standalone config file's directory.
/// </summary>
public sealed class GatewayConfig
{
    private const long FileBytesMax = 1024 * 1024;
    /// <summary>Unanchored batches signed and submitted at once (consecutive nonces of the gateway account).</summary>
    public const int AnchorsInFlightMaxLimit = 64;

    /// <summary>In a node's config: runs the gateway inside the node. Ignored by the standalone command.</summary>
    [JsonPropertyName("enabled")] public bool Enabled { get; set; }
    /// <summary>The gateway's id as registered on chain (a-z, 0-9, '.', '_', '-').</summary>
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    /// <summary>Key file of the account registered for this gateway; anchors are signed with it.</summary>
    [JsonPropertyName("accountKeyFile")] public string AccountKeyFile { get; set; } = "gateway_key.json";
    /// <summary>host:port (an IP address) of the embedded MQTT broker; empty: no embedded broker.</summary>
    [JsonPropertyName("mqttListen")] public string MqttListen { get; set; } = "127.0.0.1:1883";
    /// <summary>host:port of an external MQTT 5 broker to subscribe to instead of the embedded one (null: embedded).</summary>
    [JsonPropertyName("mqttBroker")] public string? MqttBroker { get; set; }
    /// <summary>The user name the gateway gives the external broker (its ACL names it); with <see cref="MqttBrokerPasswordFile"/>.</summary>
    [JsonPropertyName("mqttBrokerUser")] public string? MqttBrokerUser { get; set; }
    /// <summary>A file (relative to the home) holding the password for the external broker, so the config itself holds no secret.</summary>
    [JsonPropertyName("mqttBrokerPasswordFile")] public string? MqttBrokerPasswordFile { get; set; }
    /// <summary>
    /// Public keys (hex) of the data concentrators the embedded broker admits besides devices: each
    /// may publish readings of any device (each reading still signed by its device).
    /// </summary>
    [JsonPropertyName("mqttConcentrators")] public List<string> MqttConcentrators { get; set; } = [];
    /// <summary>The gateway's own RocksDB (accepted readings, batches); never the node's data directory.</summary>
    [JsonPropertyName("dataDirectory")] public string DataDirectory { get; set; } = "gateway-data";
    /// <summary>Pending readings are sealed into a batch at least this often.</summary>
    [JsonPropertyName("batchIntervalMs")] public long BatchIntervalMs { get; set; } = 1_000;
    /// <summary>A batch is sealed as soon as this many readings wait.</summary>
    [JsonPropertyName("batchReadingsMax")] public int BatchReadingsMax { get; set; } = 10_000;
    /// <summary>Readings verified and waiting for the group commit; past this, readings are refused as overloaded.</summary>
    [JsonPropertyName("queuedReadingsMax")] public int QueuedReadingsMax { get; set; } = 100_000;
    [JsonPropertyName("anchorsInFlightMax")] public int AnchorsInFlightMax { get; set; } = 4;
    /// <summary>The node API anchors go through and keys come from; null inside a node: the node's own apiListen.</summary>
    [JsonPropertyName("nodeUrl")] public string? NodeUrl { get; set; }
    /// <summary>Standalone only: the URL the gateway's HTTP API (readings, proofs, /metrics) listens on.</summary>
    [JsonPropertyName("apiListen")] public string ApiListen { get; set; } = "http://127.0.0.1:8090";
    /// <summary>Requests per second per client address on the standalone gateway's costly routes (reading lists, proofs).</summary>
    [JsonPropertyName("apiCostlyRequestsPerSecond")] public int ApiCostlyRequestsPerSecond { get; set; } = Polis.Modules.Http.ApiApp.CostlyRequestsPerSecondDefault;

    public static GatewayConfig Load(string path)
    {
        var config = JsonFile.Read<GatewayConfig>(path, FileBytesMax, "gateway config file");
        config.Check(standalone: true);
        return config;
    }

    /// <summary>Throws <see cref="FormatException"/> naming the first bad setting.</summary>
    public void Check(bool standalone)
    {
        if (!EntityId.IsValid(Id, out string idError)) throw new FormatException($"gateway.id: {idError}");
        if (string.IsNullOrWhiteSpace(AccountKeyFile)) throw new FormatException("gateway.accountKeyFile is required");
        if (string.IsNullOrWhiteSpace(DataDirectory)) throw new FormatException("gateway.dataDirectory is required");
        if (MqttListen.Length > 0 && !TryParseListen(MqttListen, out _)) throw new FormatException($"gateway.mqttListen '{MqttListen}' is not ip:port");
        if (MqttBroker is not null && !TryParseHostPort(MqttBroker, out _, out _)) throw new FormatException($"gateway.mqttBroker '{MqttBroker}' is not host:port");
        if ((MqttBrokerUser is null) != (MqttBrokerPasswordFile is null)) throw new FormatException("gateway.mqttBrokerUser and gateway.mqttBrokerPasswordFile go together");
        if (MqttConcentrators is null || MqttConcentrators.Count > 10_000) throw new FormatException("gateway.mqttConcentrators must be a list of at most 10000 keys");
        foreach (string key in MqttConcentrators)
            if (!Polis.Core.Crypto.PublicKey.TryParse(key, out _)) throw new FormatException($"gateway.mqttConcentrators: '{key}' is not a public key of 64 hex digits");
        if (BatchIntervalMs is < 10 or > 3_600_000) throw new FormatException("gateway.batchIntervalMs must be in 10..3600000");
        if (BatchReadingsMax < 1 || BatchReadingsMax > DevicesLimits.BatchReadingsMax) throw new FormatException($"gateway.batchReadingsMax must be in 1..{DevicesLimits.BatchReadingsMax}");
        if (QueuedReadingsMax is < 1 or > 10_000_000) throw new FormatException("gateway.queuedReadingsMax must be in 1..10000000");
        if (AnchorsInFlightMax is < 1 or > AnchorsInFlightMaxLimit) throw new FormatException($"gateway.anchorsInFlightMax must be in 1..{AnchorsInFlightMaxLimit}");
        if (NodeUrl is not null && !IsHttpUrl(NodeUrl)) throw new FormatException($"gateway.nodeUrl '{NodeUrl}' is not an http(s) URL");
        if (standalone)
        {
            if (NodeUrl is null) throw new FormatException("nodeUrl is required for a standalone gateway");
            if (!IsHttpUrl(ApiListen)) throw new FormatException($"apiListen '{ApiListen}' is not an http URL");
        }
    }

    internal static bool TryParseListen(string text, out IPEndPoint endpoint) =>
        IPEndPoint.TryParse(text, out endpoint!) && endpoint.Port is > 0 and <= 65535 && text.Contains(':');

    internal static bool TryParseHostPort(string text, out string host, out int port)
    {
        host = "";
        port = 0;
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1) return false;
        host = text[..colon].Trim('[', ']');
        return int.TryParse(text.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port)
            && port is > 0 and <= 65535 && Uri.CheckHostName(host) != UriHostNameType.Unknown;
    }

    private static bool IsHttpUrl(string text) => Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
