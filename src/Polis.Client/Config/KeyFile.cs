using System.Text.Json;
using System.Text.Json.Serialization;
using Polis.Core.Crypto;

namespace Polis.Client.Config;

/// <summary>
/// An Ed25519 key on disk as JSON: the seed (secret) with its public key and address for humans.
/// Written owner-readable only; on load the stored public key must match the seed.
/// </summary>
public sealed record KeyFile(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("publicKey")] string PublicKey,
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("seed")] string Seed)
{
    public const string Ed25519 = "ed25519";
    private const int FileBytesMax = 4096;

    public static KeyFile From(KeyPair key) =>
        new(Ed25519, key.PublicKey.ToString(), key.Address.ToString(), Convert.ToHexStringLower(key.ExportSeed()));

    public KeyPair ToKeyPair()
    {
        if (Type != Ed25519) throw new FormatException($"key type '{Type}' is not {Ed25519}");
        byte[] seed;
        try { seed = Convert.FromHexString(Seed); }
        catch (FormatException) { throw new FormatException("key seed is not hex"); }
        if (seed.Length != KeyPair.SeedSize) throw new FormatException($"key seed is {seed.Length} bytes, expected {KeyPair.SeedSize}");
        var key = KeyPair.FromSeed(seed);
        if (!string.Equals(key.PublicKey.ToString(), PublicKey, StringComparison.OrdinalIgnoreCase))
            throw new FormatException("key file's public key does not match its seed");
        return key;
    }

    public static KeyPair Load(string path) => JsonFile.Read<KeyFile>(path, FileBytesMax, "key file").ToKeyPair();

    public static void Save(string path, KeyPair key)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var json = JsonSerializer.Serialize(From(key), new JsonSerializerOptions { WriteIndented = true });
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(json);
    }
}
