using System.Text.Json;

namespace Polis.Client.Config;

/// <summary>
/// Reads the small JSON files people edit (config, keys, genesis, devnet manifests): a missing
/// file, one larger than its bound (checked before reading) or invalid JSON each give a message
/// naming the file.
/// </summary>
public static class JsonFile
{
    public static T Read<T>(string path, long bytesMax, string what) where T : class
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"{what} {path} does not exist", path);
        if (info.Length > bytesMax) throw new FormatException($"{what} {path} is larger than {bytesMax} bytes");
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path)) ?? throw new FormatException($"{what} {path} is empty");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{what} {path} is not valid JSON: {e.Message}");
        }
    }
}
