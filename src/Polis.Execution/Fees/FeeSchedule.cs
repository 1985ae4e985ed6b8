using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;

namespace Polis.Execution.Fees;

/// <summary>
/// What inclusion costs, in base units of the native asset: a price per transaction (each carries
/// one operation) and a price per byte of its encoding, paid by the sender whether the transaction
/// succeeds or not, and credited to <see cref="Collector"/> (the city treasury) at the end of the
/// block. A chain parameter: set in the genesis, kept in state (<see cref="FeeRecord"/>) so that
/// governance can change it without touching the genesis. Zero prices switch fees off, which only a
/// test chain should do: then a key without funds can fill the mempool and the blocks.
/// </summary>
public readonly record struct FeeSchedule(ulong PerTransaction, ulong PerByte, Address Collector)
{
    public const int EncodedBytes = 8 + 8 + Address.Size;

    public static FeeSchedule None => default;

    public bool IsFree => PerTransaction == 0 && PerByte == 0;

    /// <summary>The fee of a transaction of <paramref name="encodedBytes"/> bytes; false when it does not fit in 64 bits (nobody can pay it).</summary>
    public bool TryFeeOf(int encodedBytes, out ulong fee)
    {
        UInt128 total = (UInt128)PerByte * (ulong)encodedBytes + PerTransaction;
        fee = total > ulong.MaxValue ? ulong.MaxValue : (ulong)total;
        return total <= ulong.MaxValue;
    }

    public bool TryFeeOf(Transaction tx, out ulong fee) => TryFeeOf(tx.Encoded.Length, out fee);

    public void Encode(CanonicalWriter w)
    {
        w.WriteU64(PerTransaction);
        w.WriteU64(PerByte);
        w.WriteAddress(Collector);
    }

    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(EncodedBytes);
        Encode(w);
        return w.ToArray();
    }

    public static FeeSchedule Decode(ref CanonicalReader r) => new(r.ReadU64("fee per transaction"), r.ReadU64("fee per byte"), r.ReadAddress("fee collector"));

    public static FeeSchedule Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        var fees = Decode(ref r);
        r.End("fee schedule");
        return fees;
    }
}
