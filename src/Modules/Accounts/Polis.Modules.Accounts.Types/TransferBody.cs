using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Modules.Accounts;

/// <summary>Move <paramref name="Amount"/> CITY from the sender to <paramref name="To"/>.</summary>
public sealed record TransferBody(Address To, ulong Amount)
{
    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(1 + Address.Size + 8);
        w.WriteU8((byte)AccountsOperation.Transfer);
        w.WriteAddress(To);
        w.WriteU64(Amount);
        return w.ToArray();
    }

    /// <summary>Decodes the body after its operation byte.</summary>
    public static TransferBody Decode(ref CanonicalReader r)
    {
        var body = new TransferBody(r.ReadAddress("recipient"), r.ReadU64("amount"));
        r.End("transfer");
        return body;
    }
}
