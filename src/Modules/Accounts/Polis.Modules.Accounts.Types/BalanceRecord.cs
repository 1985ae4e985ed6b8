using System.Buffers.Binary;
using Polis.Core.Encoding;

namespace Polis.Modules.Accounts;

/// <summary>A balance as state holds it: eight bytes, big-endian. Absent means zero.</summary>
public static class BalanceRecord
{
    public const int Size = 8;

    public static byte[] Encode(ulong amount)
    {
        var bytes = new byte[Size];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, amount);
        return bytes;
    }

    public static ulong Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size) throw new CodecException($"balance record is {bytes.Length} bytes, not {Size}");
        return BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }
}
