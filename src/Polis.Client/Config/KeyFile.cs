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

    /// <summary>
    /// Writes the key owner-readable only (0600), whole or not at all: a new file with that mode is
    /// written and fsynced under another name, renamed over <paramref name="path"/>, and the
    /// directory fsynced so the rename itself survives a power cut. Writing in place would keep an
    /// existing file's wider mode and could leave half a key after a crash. A temporary file a
    /// crash left behind (owner-only, never the live key) is removed by the next save.
    /// </summary>
    public static void Save(string path, KeyPair key)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var json = System.Text.Encoding.UTF8.GetBytes(JsonSerializer.Serialize(From(key), new JsonSerializerOptions { WriteIndented = true }));
        string directory = Path.GetDirectoryName(full)!;
        RemoveLeftovers(directory, Path.GetFileName(full));
        string temporary = $"{full}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(json);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
            Polis.Core.IO.DirectorySync.Fsync(directory);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Temporary files of an earlier save of this key that a crash left (name.{32 hex}.tmp).</summary>
    private static void RemoveLeftovers(string directory, string name)
    {
        foreach (string leftover in Directory.EnumerateFiles(directory, $"{name}.*.tmp"))
        {
            string middle = Path.GetFileName(leftover)[(name.Length + 1)..^4];
            if (middle.Length == 32 && middle.All(char.IsAsciiHexDigitLower)) File.Delete(leftover);
        }
    }
}
