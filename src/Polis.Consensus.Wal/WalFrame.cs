using System.Buffers.Binary;
using Polis.Core;
using Polis.Core.Crypto;

namespace Polis.Consensus.Wal;

/// <summary>
/// One record on disk: u32 length | u32 (bitwise not of length) | SHA-256(payload) | payload, where
/// payload = kind | body. The complemented length tells a damaged length field from a real one
/// before anything is allocated for it.
/// </summary>
internal static class WalFrame
{
    public const int HeaderBytes = 4 + 4 + Hash32.Size;
    /// <summary>The largest payload: a sign record carries up to three blocks (locked, valid, proposed).</summary>
    public const int PayloadBytesMax = 3 * Limits.BlockBytesMax + 4096;

    public const byte HeaderKind = 0;
    public const byte SignKind = 1;
    public const byte VoteKind = 2;

    public static byte[] Encode(byte kind, ReadOnlySpan<byte> body)
    {
        Invariant.Check(body.Length + 1 <= PayloadBytesMax, $"WAL record of {body.Length + 1} bytes exceeds {PayloadBytesMax}");
        var frame = new byte[HeaderBytes + 1 + body.Length];
        WriteTo(frame, kind, body);
        return frame;
    }

    public static int Size(int bodyLength) => HeaderBytes + 1 + bodyLength;

    public static void WriteTo(Span<byte> frame, byte kind, ReadOnlySpan<byte> body)
    {
        uint length = (uint)(1 + body.Length);
        BinaryPrimitives.WriteUInt32BigEndian(frame, length);
        BinaryPrimitives.WriteUInt32BigEndian(frame[4..], ~length);
        frame[HeaderBytes] = kind;
        body.CopyTo(frame[(HeaderBytes + 1)..]);
        Sha256.Hash(frame.Slice(HeaderBytes, (int)length)).WriteTo(frame.Slice(8, Hash32.Size));
    }

    /// <summary>The payload length a header announces, or -1 when the header is not one (damaged or never written).</summary>
    public static int PayloadLength(ReadOnlySpan<byte> header)
    {
        uint length = BinaryPrimitives.ReadUInt32BigEndian(header);
        uint check = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
        if (check != ~length || length < 1 || length > PayloadBytesMax) return -1;
        return (int)length;
    }

    public static bool Verifies(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload) =>
        Sha256.Hash(payload) == new Hash32(header.Slice(8, Hash32.Size));
}
