using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Modules.Accounts;

/// <summary>Event <c>accounts/transfer</c>: <paramref name="Amount"/> of <paramref name="Asset"/> moved from one address to another.</summary>
public sealed record TransferEvent(uint Asset, Address From, Address To, ulong Amount)
{
    public const string Type = "transfer";
    private const int EncodedSize = 4 + 2 * Address.Size + 8;

    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(EncodedSize);
        w.WriteU32(Asset);
        w.WriteAddress(From);
        w.WriteAddress(To);
        w.WriteU64(Amount);
        return w.ToArray();
    }

    public static TransferEvent Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        var e = new TransferEvent(r.ReadU32("asset"), r.ReadAddress("from"), r.ReadAddress("to"), r.ReadU64("amount"));
        r.End("transfer event");
        return e;
    }
}
