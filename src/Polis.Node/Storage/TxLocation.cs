using System.Buffers.Binary;
using Polis.Core.Encoding;
using Polis.Execution;

namespace Polis.Node.Storage;

/// <summary>Where a committed transaction is and what it did: the transaction index's value.</summary>
public sealed record TxLocation(ulong Height, int Position, ResultCode Code, string Message)
{
    private const int EncodedBytesMax = 12 + 3 + 2 + ResultCode.NameBytesMax + 2 + ResultCodec.MessageBytesMax;

    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(32 + Message.Length);
        w.WriteU64(Height);
        w.WriteI32(Position);
        ResultCodec.Write(w, Code, Message);
        return w.ToArray();
    }

    public static TxLocation Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > EncodedBytesMax) throw new CodecException("corrupt transaction index record: too long");
        var r = new CanonicalReader(bytes);
        ulong height = r.ReadU64("height");
        int position = r.ReadI32("position");
        if (position < 0) throw new CodecException("corrupt transaction index record: negative position");
        var (code, message) = ResultCodec.Read(ref r);
        r.End("transaction index record");
        return new TxLocation(height, position, code, message);
    }
}
