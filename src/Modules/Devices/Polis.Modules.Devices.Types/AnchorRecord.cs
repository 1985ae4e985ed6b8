using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Modules.Devices;

/// <summary>
/// A batch anchored on chain: its Merkle root over the readings, how many readings, their time
/// range, the height and the transaction that anchored it. It is written only when the anchor
/// transaction succeeds, so a state proof of this record proves the anchor was accepted (a
/// transaction's inclusion in a block alone does not: failed transactions are included too).
/// </summary>
public sealed record AnchorRecord(Hash32 Root, uint Count, long FirstTimeMs, long LastTimeMs, ulong Height, Hash32 TxHash)
{
    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(2 * Hash32.Size + 28);
        w.WriteHash(Root);
        w.WriteU32(Count);
        w.WriteI64(FirstTimeMs);
        w.WriteI64(LastTimeMs);
        w.WriteU64(Height);
        w.WriteHash(TxHash);
        return w.ToArray();
    }

    public static AnchorRecord Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        var record = new AnchorRecord(r.ReadHash("root"), r.ReadU32("count"), r.ReadI64("first time"), r.ReadI64("last time"),
            r.ReadU64("height"), r.ReadHash("transaction hash"));
        r.End("anchor record");
        return record;
    }
}
