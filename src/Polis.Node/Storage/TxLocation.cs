using System.Buffers.Binary;
using System.Text;
using Polis.Core.Encoding;
using Polis.Execution;

namespace Polis.Node.Storage;

/// <summary>Where a committed transaction is and what it did: the transaction index's value.</summary>
public sealed record TxLocation(ulong Height, int Position, TxResultCode Code, string Message)
{
    private const int MessageBytesMax = 1024;

    public byte[] ToBytes()
    {
        var message = Encoding.UTF8.GetBytes(Message.Length > MessageBytesMax / 4 ? Message[..(MessageBytesMax / 4)] : Message);
        var bytes = new byte[8 + 4 + 1 + message.Length];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, Height);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), Position);
        bytes[12] = (byte)Code;
        message.CopyTo(bytes, 13);
        return bytes;
    }

    public static TxLocation Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 13 || bytes.Length > 13 + MessageBytesMax) throw new CodecException("corrupt transaction index record");
        return new TxLocation(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadInt32BigEndian(bytes[8..]),
            (TxResultCode)bytes[12], Encoding.UTF8.GetString(bytes[13..]));
    }
}
