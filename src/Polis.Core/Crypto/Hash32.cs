using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Polis.Core.Crypto;

/// <summary>A 32-byte hash (SHA-256 output), compared and hashed as four 64-bit words.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct Hash32 : IEquatable<Hash32>, IComparable<Hash32>
{
    public const int Size = 32;

    private readonly ulong _a, _b, _c, _d; // big-endian words: ordering matches lexicographic byte order

    public static readonly Hash32 Zero;

    private Hash32(ulong a, ulong b, ulong c, ulong d) { _a = a; _b = b; _c = c; _d = d; }

    public Hash32(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size) throw new ArgumentException($"a hash is {Size} bytes, got {bytes.Length}", nameof(bytes));
        _a = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]);
        _d = BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]);
    }

    public bool IsZero => (_a | _b | _c | _d) == 0;

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Bit <paramref name="index"/> counted from the most significant bit of byte 0.</summary>
    public bool Bit(int index)
    {
        if ((uint)index >= 256) throw new ArgumentOutOfRangeException(nameof(index));
        ulong word = (index >> 6) switch { 0 => _a, 1 => _b, 2 => _c, _ => _d };
        return ((word >> (63 - (index & 63))) & 1) != 0;
    }

    /// <summary>Four-bit digit <paramref name="index"/> (0 to 63), counted from the high half of byte 0: bits 4i to 4i + 3.</summary>
    public int Nibble(int index)
    {
        if ((uint)index >= 64) throw new ArgumentOutOfRangeException(nameof(index));
        ulong word = (index >> 4) switch { 0 => _a, 1 => _b, 2 => _c, _ => _d };
        return (int)((word >> (60 - 4 * (index & 15))) & 0xF);
    }

    /// <summary>Number of leading bits this hash shares with <paramref name="other"/> (256 when equal).</summary>
    public int CommonPrefixLength(in Hash32 other)
    {
        if (_a != other._a) return System.Numerics.BitOperations.LeadingZeroCount(_a ^ other._a);
        if (_b != other._b) return 64 + System.Numerics.BitOperations.LeadingZeroCount(_b ^ other._b);
        if (_c != other._c) return 128 + System.Numerics.BitOperations.LeadingZeroCount(_c ^ other._c);
        if (_d != other._d) return 192 + System.Numerics.BitOperations.LeadingZeroCount(_d ^ other._d);
        return 256;
    }

    public static Hash32 Parse(string hex)
    {
        if (!TryParse(hex, out var hash)) throw new FormatException("a hash is 64 hexadecimal characters");
        return hash;
    }

    public static bool TryParse(string? hex, out Hash32 hash)
    {
        hash = default;
        if (hex is null || hex.Length != Size * 2) return false;
        Span<byte> bytes = stackalloc byte[Size];
        if (Convert.FromHexString(hex, bytes, out _, out int written) != System.Buffers.OperationStatus.Done || written != Size)
            return false;
        hash = new Hash32(bytes);
        return true;
    }

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        WriteTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>The first 6 bytes in hex, for logs and traces.</summary>
    public string Short => ToString()[..12];

    public bool Equals(Hash32 other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;
    public override bool Equals(object? obj) => obj is Hash32 h && Equals(h);
    public override int GetHashCode() => (int)(_a ^ (_a >> 32) ^ _b ^ _c ^ _d);
    public int CompareTo(Hash32 other)
    {
        int c = _a.CompareTo(other._a);
        if (c != 0) return c;
        c = _b.CompareTo(other._b);
        if (c != 0) return c;
        c = _c.CompareTo(other._c);
        return c != 0 ? c : _d.CompareTo(other._d);
    }
    public static bool operator ==(Hash32 left, Hash32 right) => left.Equals(right);
    public static bool operator !=(Hash32 left, Hash32 right) => !left.Equals(right);
    public static bool operator <(Hash32 left, Hash32 right) => left.CompareTo(right) < 0;
    public static bool operator >(Hash32 left, Hash32 right) => left.CompareTo(right) > 0;
    public static bool operator <=(Hash32 left, Hash32 right) => left.CompareTo(right) <= 0;
    public static bool operator >=(Hash32 left, Hash32 right) => left.CompareTo(right) >= 0;
}
