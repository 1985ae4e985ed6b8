namespace Polis.Core.Crypto;

/// <summary>A 64-byte Ed25519 signature.</summary>
public readonly struct Signature : IEquatable<Signature>
{
    public const int Size = 64;

    private readonly Hash32 _r, _s;

    public Signature(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size) throw new ArgumentException($"a signature is {Size} bytes, got {bytes.Length}", nameof(bytes));
        _r = new Hash32(bytes[..32]);
        _s = new Hash32(bytes[32..]);
    }

    public bool IsEmpty => _r.IsZero && _s.IsZero;

    public void WriteTo(Span<byte> destination)
    {
        _r.WriteTo(destination);
        _s.WriteTo(destination[32..]);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    public override string ToString() => _r.ToString() + _s.ToString();
    public bool Equals(Signature other) => _r == other._r && _s == other._s;
    public override bool Equals(object? obj) => obj is Signature s && Equals(s);
    public override int GetHashCode() => _r.GetHashCode() ^ _s.GetHashCode();
    public static bool operator ==(Signature left, Signature right) => left.Equals(right);
    public static bool operator !=(Signature left, Signature right) => !left.Equals(right);
}
