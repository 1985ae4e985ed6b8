using System.Buffers.Binary;
using System.Text;
using Polis.Core.Ledger;

namespace Polis.Modules.Devices;

/// <summary>
/// The Devices module's identity and where it keeps its records. Ids never contain '/', so every
/// prefix below is unambiguous.
/// </summary>
public static class DevicesKeys
{
    public static readonly ModuleId Module = new(2);
    public const string Name = "devices";
    /// <summary>Every prefix the module writes under, as registered with the module set.</summary>
    public static IReadOnlyList<string> Prefixes { get; } = ["dev/", "devkey/", "gw/", "anchor/"];

    public static byte[] Device(string deviceId) => Concat("dev/", deviceId, null);

    public static byte[] DeviceKey(string deviceId, uint index) => Concat("devkey/", deviceId, BigEndian(index));

    public static byte[] Gateway(string gatewayId) => Concat("gw/", gatewayId, null);

    public static byte[] Anchor(string gatewayId, ulong batch) => Concat("anchor/", gatewayId, BigEndian(batch));

    private static byte[] Concat(string prefix, string id, byte[]? suffix)
    {
        int idBytes = Encoding.ASCII.GetByteCount(id);
        var key = new byte[prefix.Length + idBytes + (suffix is null ? 0 : 1 + suffix.Length)];
        Encoding.ASCII.GetBytes(prefix, key);
        Encoding.ASCII.GetBytes(id, key.AsSpan(prefix.Length));
        if (suffix is not null)
        {
            key[prefix.Length + idBytes] = (byte)'/';
            suffix.CopyTo(key, prefix.Length + idBytes + 1);
        }
        return key;
    }

    private static byte[] BigEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] BigEndian(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }
}
