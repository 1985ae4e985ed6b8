using Polis.Core.Encoding;

namespace Polis.Modules.Devices;

/// <summary>
/// Ids of devices and gateways: 1 to 64 characters of a-z, 0-9, '.', '_' and '-'. They appear in
/// state keys, MQTT topics and URLs, so the alphabet has no separator of any of those.
/// </summary>
public static class EntityId
{
    public const int LengthMax = 64;

    public static bool IsValid(string? id, out string error)
    {
        error = "";
        if (string.IsNullOrEmpty(id)) { error = "id is empty"; return false; }
        if (id.Length > LengthMax) { error = $"id is longer than {LengthMax} characters"; return false; }
        foreach (char c in id)
        {
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-') continue;
            error = $"id '{Truncate(id)}' has '{c}': only a-z, 0-9, '.', '_' and '-' are allowed";
            return false;
        }
        return true;
    }

    public static void Check(string id, string what)
    {
        if (!IsValid(id, out string error)) throw new ArgumentException($"{what}: {error}");
    }

    public static string Read(ref CanonicalReader r, string what)
    {
        string id = r.ReadString(LengthMax, what);
        if (!IsValid(id, out string error)) throw new CodecException($"{what}: {error}");
        return id;
    }

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
