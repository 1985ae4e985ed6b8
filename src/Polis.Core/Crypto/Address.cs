using System.Buffers.Binary;

namespace Polis.Core.Crypto;

/// <summary>
/// An account address: the first 20 bytes of SHA-256 of the Ed25519 public key. Its text form is
/// Bech32 (BIP 173) with the prefix "polis", so a mistyped character fails the checksum.
/// </summary>
public readonly struct Address : IEquatable<Address>, IComparable<Address>
{
    public const int Size = 20;
    public const string Prefix = "polis";

    private readonly ulong _a, _b;
    private readonly uint _c;

    public Address(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size) throw new ArgumentException($"an address is {Size} bytes, got {bytes.Length}", nameof(bytes));
        _a = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]);
    }

    public static Address From(PublicKey key)
    {
        Span<byte> hash = stackalloc byte[Hash32.Size];
        Sha256.Hash(key.Bytes).WriteTo(hash);
        return new Address(hash[..Size]);
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], _c);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        WriteTo(bytes);
        return Bech32.Encode(Prefix, bytes);
    }

    public static Address Parse(string text)
    {
        if (!TryParse(text, out var address, out var error)) throw new FormatException(error);
        return address;
    }

    public static bool TryParse(string? text, out Address address, out string error)
    {
        address = default;
        if (!Bech32.TryDecode(text, out var prefix, out var data, out error)) return false;
        if (prefix != Prefix) { error = $"an address starts with '{Prefix}1', got '{prefix}1'"; return false; }
        if (data.Length != Size) { error = $"an address holds {Size} bytes, got {data.Length}"; return false; }
        address = new Address(data);
        return true;
    }

    public bool Equals(Address other) => _a == other._a && _b == other._b && _c == other._c;
    public override bool Equals(object? obj) => obj is Address a && Equals(a);
    public override int GetHashCode() => HashCode.Combine(_a, _b, _c);
    public int CompareTo(Address other)
    {
        int c = _a.CompareTo(other._a);
        if (c != 0) return c;
        c = _b.CompareTo(other._b);
        return c != 0 ? c : _c.CompareTo(other._c);
    }
    public static bool operator ==(Address left, Address right) => left.Equals(right);
    public static bool operator !=(Address left, Address right) => !left.Equals(right);
}
