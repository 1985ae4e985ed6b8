using System.Text.Json;
using System.Text.Json.Serialization;

namespace Polis.Devnet.District;

/// <summary>
/// DIR/district/district.json: the demo's simulated devices (id, kind, place, key seed), the
/// gateway they publish to and the node it anchors through. The seeds are demo keys, kept in the
/// clear like the devnet's account files.
/// </summary>
public sealed class DistrictFile
{
    public const string FileName = "district.json";
    private const long FileBytesMax = 16 * 1024 * 1024;
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    [JsonPropertyName("chainId")] public string ChainId { get; set; } = "";
    [JsonPropertyName("node")] public string Node { get; set; } = "";
    [JsonPropertyName("mqtt")] public string Mqtt { get; set; } = "";
    [JsonPropertyName("gatewayId")] public string GatewayId { get; set; } = "";
    [JsonPropertyName("gatewayKeyFile")] public string GatewayKeyFile { get; set; } = "";
    [JsonPropertyName("operatorKeyFile")] public string OperatorKeyFile { get; set; } = "";
    /// <summary>The key the district's publisher proves to the gateway's broker as a data concentrator.</summary>
    [JsonPropertyName("concentratorKeyFile")] public string ConcentratorKeyFile { get; set; } = "";
    /// <summary>Readings per second the whole district publishes.</summary>
    [JsonPropertyName("rate")] public int Rate { get; set; }
    [JsonPropertyName("devices")] public List<DistrictDevice> Devices { get; set; } = [];

    public sealed class DistrictDevice
    {
        [JsonPropertyName("id")] public string Id { get; set; } = "";
        [JsonPropertyName("kind")] public string Kind { get; set; } = "";
        [JsonPropertyName("latMicro")] public int LatitudeMicro { get; set; }
        [JsonPropertyName("lonMicro")] public int LongitudeMicro { get; set; }
        [JsonPropertyName("seed")] public string Seed { get; set; } = "";
    }

    public static string PathIn(string home) => Path.Combine(home, FileName);

    public static DistrictFile Load(string home) => Polis.Client.Config.JsonFile.Read<DistrictFile>(PathIn(home), FileBytesMax, "district file");

    public void Save(string home)
    {
        Directory.CreateDirectory(home);
        string path = PathIn(home);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(this, Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
