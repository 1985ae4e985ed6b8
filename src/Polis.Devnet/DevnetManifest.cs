using System.Text.Json;
using System.Text.Json.Serialization;

namespace Polis.Devnet;

/// <summary>DIR/devnet.json: what a devnet is made of, for people, scripts and tests.</summary>
public sealed class DevnetManifest
{
    public const string FileName = "devnet.json";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    [JsonPropertyName("chainId")] public string ChainId { get; set; } = "";
    [JsonPropertyName("genesis")] public string Genesis { get; set; } = "";
    [JsonPropertyName("nodes")] public List<DevnetNode> Nodes { get; set; } = [];
    [JsonPropertyName("accounts")] public List<string> Accounts { get; set; } = [];
    /// <summary>Key file of the treasury account, which collects the fees.</summary>
    [JsonPropertyName("treasury")] public string? Treasury { get; set; }
    /// <summary>The layout of what the devnet keeps on disk (state records, keys, district files) when it was made; absent (0) before 2026-12-08.</summary>
    [JsonPropertyName("dataVersion")] public int DataVersion { get; set; }

    /// <summary>
    /// Raised whenever a release changes what a devnet keeps on disk in a way the new code cannot
    /// read (a state record gains a field, a file gains a key): an older devnet is then refused
    /// with what to do, instead of failing at its first read. 1: device records with their previous
    /// gateway and key records with their end time (2026-12-08).
    /// </summary>
    public const int DataVersionCurrent = 1;

    /// <summary>Why this devnet cannot be started by this release (null: it can).</summary>
    public string? StaleReason(string dir) => DataVersion == DataVersionCurrent ? null
        : $"the devnet in {dir} was made by {(DataVersion < DataVersionCurrent ? "an earlier" : "a later")} version of Polis, whose records on disk differ: remove {dir} to start a new one, or pick another --dir";

    public sealed class DevnetNode
    {
        [JsonPropertyName("name")] public string Name { get; set; } = "";
        [JsonPropertyName("api")] public string Api { get; set; } = "";
        [JsonPropertyName("p2p")] public string P2P { get; set; } = "";
        [JsonPropertyName("nodeId")] public string NodeId { get; set; } = "";
        [JsonPropertyName("validator")] public bool Validator { get; set; }
        [JsonPropertyName("home")] public string Home { get; set; } = "";
        [JsonPropertyName("pid")] public int? Pid { get; set; }
        /// <summary>"node" (absent in older manifests) or "district" (the demo's simulated devices).</summary>
        [JsonPropertyName("kind")] public string? Kind { get; set; }

        public bool IsDistrict => Kind == "district";

        /// <summary>The `polis` words that run this member on its home.</summary>
        public string[] Command => IsDistrict ? ["demo", "district"] : ["node", "run"];
    }

    public static string PathIn(string dir) => Path.Combine(Path.GetFullPath(dir), FileName);

    private const long FileBytesMax = 4 * 1024 * 1024;

    public static DevnetManifest Load(string dir)
    {
        string path = PathIn(dir);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} does not exist: no devnet in {dir}", path);
        return Polis.Client.Config.JsonFile.Read<DevnetManifest>(path, FileBytesMax, "devnet manifest");
    }

    public void Save(string dir)
    {
        string path = PathIn(dir);
        string temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, Json));
        File.Move(temp, path, overwrite: true);
    }
}
