using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Modules.Devices;

/// <summary>
/// A registered device as state holds it: who owns it, what and where it is, the key its readings
/// must be signed with now (<see cref="KeyIndex"/> into its key history, valid since
/// <see cref="KeySince"/>), from which height it is revoked (0: never), and the one gateway whose
/// anchors may carry its readings (<see cref="Gateway"/>). A proof of this record at a block's
/// state root tells a light client which key was valid at that height and through which gateway.
/// </summary>
public sealed record DeviceRecord(
    string Id,
    Address Owner,
    DeviceKind Kind,
    string CustomKind,
    GeoPoint Location,
    string Metadata,
    PublicKey Key,
    uint KeyIndex,
    ulong KeySince,
    ulong RegisteredAt,
    ulong RevokedAt)
{
    public const int CustomKindBytesMax = 32;
    public const int MetadataBytesMax = 512;

    public bool IsRevoked => RevokedAt != 0;

    /// <summary>
    /// The gateway its readings go through (empty: none yet). A reading is proven only through an
    /// anchor of this gateway, so a reading cannot be anchored twice through two gateways.
    /// </summary>
    public string Gateway { get; init; } = "";

    /// <summary>
    /// The time of the block that assigned <see cref="Gateway"/>: readings taken before it are not
    /// proven through this gateway (they were the previous gateway's to anchor), so a reassigned
    /// device's old readings cannot be proven a second time through the new gateway.
    /// </summary>
    public long GatewaySinceMs { get; init; }

    /// <summary>
    /// The gateway before <see cref="Gateway"/> (empty: none). Readings taken before
    /// <see cref="GatewaySinceMs"/> stay provable through its anchors for
    /// <see cref="DevicesLimits.HandoverGraceMs"/> after the reassignment, so what it had accepted
    /// and not yet anchored is not lost to proof.
    /// </summary>
    public string PreviousGateway { get; init; } = "";

    /// <summary>True when readings signed by <paramref name="key"/> are acceptable in the state this record was read from.</summary>
    public bool Accepts(PublicKey key) => !IsRevoked && Key.Equals(key);

    public string KindName => Kind == DeviceKind.Custom ? CustomKind : DeviceKinds.Name(Kind);

    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(160 + Metadata.Length * 3);
        w.WriteString(Id);
        w.WriteAddress(Owner);
        w.WriteU8((byte)Kind);
        w.WriteString(CustomKind);
        Location.Encode(w);
        w.WriteString(Metadata);
        w.WritePublicKey(Key);
        w.WriteU32(KeyIndex);
        w.WriteU64(KeySince);
        w.WriteU64(RegisteredAt);
        w.WriteU64(RevokedAt);
        w.WriteString(Gateway);
        w.WriteI64(GatewaySinceMs);
        w.WriteString(PreviousGateway);
        return w.ToArray();
    }

    public static DeviceRecord Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        string id = EntityId.Read(ref r, "device id");
        var owner = r.ReadAddress("owner");
        byte kind = r.ReadU8("kind");
        if (!DeviceKinds.IsDefined(kind)) throw new CodecException($"unknown device kind {kind}");
        var record = new DeviceRecord(id, owner, (DeviceKind)kind, r.ReadString(CustomKindBytesMax, "custom kind"), GeoPoint.Decode(ref r),
            r.ReadString(MetadataBytesMax, "metadata"), r.ReadPublicKey("device key"), r.ReadU32("key index"), r.ReadU64("key since"),
            r.ReadU64("registered at"), r.ReadU64("revoked at"))
        {
            Gateway = r.ReadString(EntityId.LengthMax, "gateway"),
            GatewaySinceMs = r.ReadI64("gateway since"),
            PreviousGateway = r.ReadString(EntityId.LengthMax, "previous gateway"),
        };
        if (record.Gateway.Length > 0 && !EntityId.IsValid(record.Gateway, out string error)) throw new CodecException($"device record's gateway: {error}");
        if (record.PreviousGateway.Length > 0 && !EntityId.IsValid(record.PreviousGateway, out error)) throw new CodecException($"device record's previous gateway: {error}");
        r.End("device record");
        return record;
    }
}
