using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;

namespace Polis.Gateway;

/// <summary>Where a sealed batch stands: signed and submitted (maybe not yet committed), or anchored on chain.</summary>
public enum BatchStatus : byte
{
    Pending = 0,
    Anchored = 1,
}

/// <summary>
/// A sealed batch as the gateway store keeps it: readings [<see cref="FirstOrder"/>,
/// <see cref="FirstOrder"/> + <see cref="Count"/>) of the accept order, their Merkle root and time
/// range, the signed anchor transaction (written before it is first submitted, so a restart
/// resubmits the very same bytes), and once anchored the height and the anchoring transaction.
/// </summary>
public sealed record BatchRecord(
    ulong Number, ulong FirstOrder, uint Count, Hash32 Root, long FirstTimeMs, long LastTimeMs,
    byte[] AnchorTx, BatchStatus Status, ulong Height, Hash32 AnchoredTxHash)
{
    private const byte Version = 1;

    public Hash32 AnchorTxHash => Sha256.Hash(AnchorTx);
    public ulong EndOrder => FirstOrder + Count;
    public bool Contains(ulong order) => order >= FirstOrder && order < EndOrder;

    /// <summary>The nonce of the signed anchor transaction.</summary>
    public ulong Nonce => Transaction.Decode(AnchorTx).Nonce;

    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(160 + AnchorTx.Length);
        w.WriteU8(Version);
        w.WriteU64(Number);
        w.WriteU64(FirstOrder);
        w.WriteU32(Count);
        w.WriteHash(Root);
        w.WriteI64(FirstTimeMs);
        w.WriteI64(LastTimeMs);
        w.WriteBytes(AnchorTx);
        w.WriteU8((byte)Status);
        w.WriteU64(Height);
        w.WriteHash(AnchoredTxHash);
        return w.ToArray();
    }

    public static BatchRecord Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        byte version = r.ReadU8("version");
        if (version != Version) throw new CodecException($"batch record version {version} is not {Version}");
        var record = new BatchRecord(r.ReadU64("number"), r.ReadU64("first order"), r.ReadU32("count"), r.ReadHash("root"),
            r.ReadI64("first time"), r.ReadI64("last time"), r.ReadBytes(Polis.Core.Limits.TxBytesMax, "anchor tx"),
            (BatchStatus)r.ReadU8("status"), r.ReadU64("height"), r.ReadHash("anchored tx hash"));
        r.End("batch record");
        if (record.Status is not (BatchStatus.Pending or BatchStatus.Anchored)) throw new CodecException($"unknown batch status {(byte)record.Status}");
        return record;
    }
}
