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
