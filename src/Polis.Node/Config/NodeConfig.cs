using Polis.Client.Config;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Polis.Node.Config;

/// <summary>A node's settings (the home's config.json). Paths are relative to the home directory.</summary>
public sealed class NodeConfig
{
    private const long FileBytesMax = 1024 * 1024;
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    [JsonPropertyName("moniker")] public string Moniker { get; set; } = "node";
    /// <summary>host:port the P2P listener binds.</summary>
    [JsonPropertyName("p2pListen")] public string P2PListen { get; set; } = "127.0.0.1:26656";
    /// <summary>Inbound connections in their handshake at once (besides the reserved ones), and how many of them one source address may hold.</summary>
    [JsonPropertyName("p2pHandshakesMax")] public int P2PHandshakesMax { get; set; } = 64;
    [JsonPropertyName("p2pHandshakesPerAddressMax")] public int P2PHandshakesPerAddressMax { get; set; } = 4;
    /// <summary>Handshake slots only for connections from the persistent peers' addresses.</summary>
    [JsonPropertyName("p2pReservedHandshakesMax")] public int P2PReservedHandshakesMax { get; set; } = 16;
    /// <summary>Connected peers besides the persistent peers pinned by key (which always have room).</summary>
    [JsonPropertyName("p2pOtherPeersMax")] public int P2POtherPeersMax { get; set; } = 40;
    /// <summary>Peers dialed and kept connected: "nodeKeyHex@host:port" (pinned) or "host:port".</summary>
    [JsonPropertyName("persistentPeers")] public List<string> PersistentPeers { get; set; } = [];
    /// <summary>URL the HTTP API listens on.</summary>
    [JsonPropertyName("apiListen")] public string ApiListen { get; set; } = "http://127.0.0.1:8080";
    [JsonPropertyName("genesisFile")] public string GenesisFile { get; set; } = "genesis.json";
    [JsonPropertyName("nodeKeyFile")] public string NodeKeyFile { get; set; } = "node_key.json";
    /// <summary>Absent or empty: the node follows the chain without voting.</summary>
    [JsonPropertyName("validatorKeyFile")] public string? ValidatorKeyFile { get; set; } = "validator_key.json";
    [JsonPropertyName("mempoolTxsMax")] public int MempoolTxsMax { get; set; } = 200_000;
    /// <summary>Requests per second per client address on the API's costly routes (listings, proofs, raw state).</summary>
    [JsonPropertyName("apiCostlyRequestsPerSecond")] public int ApiCostlyRequestsPerSecond { get; set; } = Polis.Modules.Http.ApiApp.CostlyRequestsPerSecondDefault;
    /// <summary>Bytes of pending transactions, all senders together.</summary>
    [JsonPropertyName("mempoolBytesMax")] public long MempoolBytesMax { get; set; } = Mempool.MempoolLimits.DefaultBytesMax;
    /// <summary>Pending transactions of one sender, and their bytes.</summary>
    [JsonPropertyName("mempoolSenderTxsMax")] public int MempoolSenderTxsMax { get; set; } = Mempool.MempoolLimits.DefaultSenderTxsMax;
    [JsonPropertyName("mempoolSenderBytesMax")] public long MempoolSenderBytesMax { get; set; } = Mempool.MempoolLimits.DefaultSenderBytesMax;
    [JsonPropertyName("blockTxsMax")] public int BlockTxsMax { get; set; } = 5_000;
    [JsonPropertyName("blockBytesMax")] public int BlockBytesMax { get; set; } = 4 * 1024 * 1024;
    [JsonPropertyName("timeoutProposeMs")] public long TimeoutProposeMs { get; set; } = 1_000;
    [JsonPropertyName("timeoutPrevoteMs")] public long TimeoutPrevoteMs { get; set; } = 500;
    [JsonPropertyName("timeoutPrecommitMs")] public long TimeoutPrecommitMs { get; set; } = 500;
    [JsonPropertyName("timeoutDeltaMs")] public long TimeoutDeltaMs { get; set; } = 500;
    /// <summary>A proposer with an empty mempool waits this long for transactions before proposing (0: propose at once).</summary>
    [JsonPropertyName("emptyBlockDelayMs")] public long EmptyBlockDelayMs { get; set; } = 200;
    /// <summary>
    /// A proposer proposes no sooner than this after its last commit, so transactions gather into
    /// fewer, larger blocks: every block costs each validator the same fixed work (votes, a synced
    /// WAL append and storage write, a state root) however few transactions it carries.
    /// </summary>
    [JsonPropertyName("blockIntervalMinMs")] public long BlockIntervalMinMs { get; set; } = 250;
    /// <summary>The reading gateway inside this node; absent or not enabled: none.</summary>
    [JsonPropertyName("gateway")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Polis.Gateway.GatewayConfig? Gateway { get; set; }

    public static NodeConfig Load(string path)
    {
        var config = JsonFile.Read<NodeConfig>(path, FileBytesMax, "config file");
        config.Check();
        return config;
    }

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
    }

    public void Check()
    {
        if (MempoolTxsMax <= 0) throw new FormatException("mempoolTxsMax must be positive");
        if (ApiCostlyRequestsPerSecond is < 1 or > 1_000_000) throw new FormatException("apiCostlyRequestsPerSecond must be 1..1000000");
        if (P2PHandshakesMax is < 1 or > 10_000) throw new FormatException("p2pHandshakesMax must be 1..10000");
        if (P2PHandshakesPerAddressMax < 1 || P2PHandshakesPerAddressMax > P2PHandshakesMax) throw new FormatException("p2pHandshakesPerAddressMax must be 1..p2pHandshakesMax");
        if (P2PReservedHandshakesMax is < 0 or > 10_000) throw new FormatException("p2pReservedHandshakesMax must be 0..10000");
        if (P2POtherPeersMax is < 0 or > 10_000) throw new FormatException("p2pOtherPeersMax must be 0..10000");
        if (MempoolBytesMax < Polis.Core.Limits.TxBytesMax) throw new FormatException($"mempoolBytesMax must be at least one transaction ({Polis.Core.Limits.TxBytesMax} bytes)");
        if (MempoolSenderTxsMax <= 0) throw new FormatException("mempoolSenderTxsMax must be positive");
        if (MempoolSenderBytesMax < Polis.Core.Limits.TxBytesMax || MempoolSenderBytesMax > MempoolBytesMax)
            throw new FormatException($"mempoolSenderBytesMax must be {Polis.Core.Limits.TxBytesMax}..mempoolBytesMax");
        if (BlockTxsMax is <= 0 or > Polis.Core.Limits.BlockTxsMax) throw new FormatException($"blockTxsMax must be in 1..{Polis.Core.Limits.BlockTxsMax}");
        if (BlockBytesMax <= 0 || BlockBytesMax > Polis.Core.Limits.BlockBytesMax / 2) throw new FormatException($"blockBytesMax must be in 1..{Polis.Core.Limits.BlockBytesMax / 2}");
        if (BlockIntervalMinMs is < 0 or > 60_000) throw new FormatException("blockIntervalMinMs must be 0..60000");
        if (TimeoutProposeMs <= 0 || TimeoutPrevoteMs <= 0 || TimeoutPrecommitMs <= 0 || TimeoutDeltaMs < 0) throw new FormatException("timeouts must be positive");
        if (EmptyBlockDelayMs is < 0 or > 60_000) throw new FormatException("emptyBlockDelayMs must be 0..60000");
        // The proposer starts no propose timeout of its own (Algorithm 1, line 21): the others' must
        // outlast its wait before building, or every round 0 ends in nil prevotes.
        long proposerWaitMs = Math.Max(BlockIntervalMinMs, EmptyBlockDelayMs);
        if (proposerWaitMs >= TimeoutProposeMs)
            throw new FormatException($"timeoutProposeMs ({TimeoutProposeMs}) must exceed blockIntervalMinMs and emptyBlockDelayMs ({proposerWaitMs}): " +
                "validators would stop waiting before the proposer proposes");
        if (!Uri.TryCreate(ApiListen, UriKind.Absolute, out var api) || api.Scheme != "http") throw new FormatException($"apiListen '{ApiListen}' is not an http URL");
        if (!System.Net.IPEndPoint.TryParse(P2PListen, out _)) throw new FormatException($"p2pListen '{P2PListen}' is not host:port (an IP address)");
        if (Gateway is { Enabled: true }) Gateway.Check(standalone: false);
    }
}
