using System.Buffers.Binary;
using Polis.Core.Crypto;

namespace Polis.Core.Encoding;

/// <summary>
/// Writes the canonical binary encoding: fixed-width big-endian integers, length-prefixed byte
/// strings, count-prefixed lists. There is exactly one encoding of every value, so hashes and
/// signatures over it are well defined. The buffer grows as needed and can be reused after
/// <see cref="Reset"/> to keep hot paths free of allocation.
/// </summary>
public sealed class CanonicalWriter
{
    private byte[] _buffer;
    private int _length;

    public CanonicalWriter(int initialCapacity = 256) => _buffer = new byte[Math.Max(16, initialCapacity)];

    public int Length => _length;
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);
    public byte[] ToArray() => WrittenSpan.ToArray();
    public void Reset() => _length = 0;

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            int size = Math.Max(_buffer.Length * 2, _length + count);
            Array.Resize(ref _buffer, size);
        }
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    public void WriteU8(byte value) => Reserve(1)[0] = value;
    public void WriteBool(bool value) => WriteU8(value ? (byte)1 : (byte)0);
    public void WriteU16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), value);
    public void WriteU32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), value);
    public void WriteI32(int value) => BinaryPrimitives.WriteInt32BigEndian(Reserve(4), value);
    public void WriteU64(ulong value) => BinaryPrimitives.WriteUInt64BigEndian(Reserve(8), value);
    public void WriteI64(long value) => BinaryPrimitives.WriteInt64BigEndian(Reserve(8), value);
    public void WriteHash(in Hash32 value) => value.WriteTo(Reserve(Hash32.Size));
    public void WriteSignature(in Signature value) => value.WriteTo(Reserve(Signature.Size));
    public void WriteAddress(in Address value) => value.WriteTo(Reserve(Address.Size));
    public void WritePublicKey(PublicKey value) => value.Bytes.CopyTo(Reserve(PublicKey.Size));
    public void WriteRaw(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    /// <summary>A u32 length, then the bytes. The reader enforces a maximum per field.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        WriteU32((uint)bytes.Length);
        WriteRaw(bytes);
    }

    /// <summary>A u16 byte length, then UTF-8.</summary>
    public void WriteString(string value)
    {
        int count = System.Text.Encoding.UTF8.GetByteCount(value);
        if (count > ushort.MaxValue) throw new ArgumentException("string longer than 65535 bytes", nameof(value));
        WriteU16((ushort)count);
        System.Text.Encoding.UTF8.GetBytes(value, Reserve(count));
    }

    public void WriteCount(int count) => WriteU32((uint)count);
}
