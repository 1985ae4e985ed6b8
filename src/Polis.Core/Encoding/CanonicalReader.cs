using System.Buffers.Binary;
using Polis.Core.Crypto;

namespace Polis.Core.Encoding;

/// <summary>
/// Reads the canonical binary encoding from hostile bytes. Every length and count is checked
/// against both the caller's maximum and the bytes actually left before anything is allocated;
/// any violation throws <see cref="CodecException"/>. Callers finish with <see cref="End"/> so
/// trailing garbage is rejected.
/// </summary>
public ref struct CanonicalReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public CanonicalReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Position => _position;
    public readonly int Remaining => _data.Length - _position;

    private ReadOnlySpan<byte> Take(int count, string what)
    {
        if (count < 0 || count > Remaining) throw new CodecException($"truncated: {what} needs {count} bytes, {Remaining} left");
        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }

    public byte ReadU8(string what = "u8") => Take(1, what)[0];

    public bool ReadBool(string what = "bool")
    {
        byte b = ReadU8(what);
        if (b > 1) throw new CodecException($"{what}: a boolean is 0 or 1, got {b}");
        return b == 1;
    }

    public ushort ReadU16(string what = "u16") => BinaryPrimitives.ReadUInt16BigEndian(Take(2, what));
    public uint ReadU32(string what = "u32") => BinaryPrimitives.ReadUInt32BigEndian(Take(4, what));
    public int ReadI32(string what = "i32") => BinaryPrimitives.ReadInt32BigEndian(Take(4, what));
    public ulong ReadU64(string what = "u64") => BinaryPrimitives.ReadUInt64BigEndian(Take(8, what));
    public long ReadI64(string what = "i64") => BinaryPrimitives.ReadInt64BigEndian(Take(8, what));
    public Hash32 ReadHash(string what = "hash") => new(Take(Hash32.Size, what));
    public Signature ReadSignature(string what = "signature") => new(Take(Signature.Size, what));
    public Address ReadAddress(string what = "address") => new(Take(Address.Size, what));
    public PublicKey ReadPublicKey(string what = "public key") => PublicKey.FromBytes(Take(PublicKey.Size, what));

    /// <summary>Reads a length-prefixed byte string without copying.</summary>
    public ReadOnlySpan<byte> ReadBytesSpan(int max, string what)
    {
        uint length = ReadU32(what + " length");
        if (length > (uint)max) throw new CodecException($"{what}: {length} bytes exceeds the maximum of {max}");
        return Take((int)length, what);
    }

    public byte[] ReadBytes(int max, string what) => ReadBytesSpan(max, what).ToArray();

    public string ReadString(int maxBytes, string what)
    {
        ushort length = ReadU16(what + " length");
        if (length > maxBytes) throw new CodecException($"{what}: {length} bytes exceeds the maximum of {maxBytes}");
        var bytes = Take(length, what);
        try
        {
            return Utf8Strict.GetString(bytes);
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw new CodecException($"{what}: not valid UTF-8");
        }
    }

    /// <summary>Reads a list count, bounded by the maximum and by the bytes left at the minimum item size.</summary>
    public int ReadCount(int max, int minItemBytes, string what)
    {
        uint count = ReadU32(what + " count");
        if (count > (uint)max) throw new CodecException($"{what}: {count} items exceeds the maximum of {max}");
        if ((ulong)count * (ulong)Math.Max(1, minItemBytes) > (ulong)Remaining)
            throw new CodecException($"truncated: {count} {what} cannot fit in {Remaining} bytes");
        return (int)count;
    }

    public readonly void End(string what)
    {
        if (Remaining != 0) throw new CodecException($"{what}: {Remaining} bytes of trailing garbage");
    }

    private static readonly System.Text.UTF8Encoding Utf8Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
