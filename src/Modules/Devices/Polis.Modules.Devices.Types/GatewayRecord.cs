using Polis.Core.Encoding;
using Polis.Core.Crypto;

namespace Polis.Modules.Devices;

/// <summary>
/// A registered gateway: the operator that registered it, the account whose transactions anchor
/// its batches, and the number its next batch must carry (batches are numbered from 0 without gaps,
/// so no batch can be anchored twice).
/// </summary>
public sealed record GatewayRecord(string Id, Address Operator, Address Account, ulong RegisteredAt, ulong NextBatch, ulong RevokedAt)
{
    public bool IsRevoked => RevokedAt != 0;

    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(128);
        w.WriteString(Id);
        w.WriteAddress(Operator);
        w.WriteAddress(Account);
        w.WriteU64(RegisteredAt);
        w.WriteU64(NextBatch);
        w.WriteU64(RevokedAt);
        return w.ToArray();
    }

    public static GatewayRecord Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        var record = new GatewayRecord(EntityId.Read(ref r, "gateway id"), r.ReadAddress("operator"), r.ReadAddress("account"),
            r.ReadU64("registered at"), r.ReadU64("next batch"), r.ReadU64("revoked at"));
        r.End("gateway record");
        return record;
    }
}
