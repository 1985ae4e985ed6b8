using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Modules.Devices;

/// <summary>
/// The body of a devices transaction: an operation byte, then the operation's fields. Decoding
/// checks every bound before allocating and rejects trailing bytes.
/// </summary>
public abstract record DevicesBody
{
    public abstract DevicesOperation Operation { get; }

    protected abstract void EncodeFields(CanonicalWriter w);

    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(256);
        w.WriteU8((byte)Operation);
        EncodeFields(w);
        return w.ToArray();
    }

    public static DevicesBody Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        byte op = r.ReadU8("operation");
        DevicesBody body = (DevicesOperation)op switch
        {
            DevicesOperation.RegisterDevice => RegisterDevice.DecodeFields(ref r),
            DevicesOperation.RotateDeviceKey => new RotateDeviceKey(EntityId.Read(ref r, "device id"), r.ReadPublicKey("new key")),
            DevicesOperation.RevokeDevice => new RevokeDevice(EntityId.Read(ref r, "device id")),
            DevicesOperation.RegisterGateway => new RegisterGateway(EntityId.Read(ref r, "gateway id"), r.ReadAddress("gateway account")),
            DevicesOperation.AnchorBatch => new AnchorBatch(EntityId.Read(ref r, "gateway id"), r.ReadU64("batch"), r.ReadHash("root"),
                r.ReadU32("count"), r.ReadI64("first time"), r.ReadI64("last time")),
            DevicesOperation.AssignDevice => new AssignDevice(EntityId.Read(ref r, "device id"), EntityId.Read(ref r, "gateway id")),
            _ => throw new CodecException($"unknown devices operation {op}"),
        };
        r.End("devices transaction");
        return body;
    }

    /// <summary>Registers a device owned by the sender, who must hold the device-owner role.</summary>
    public sealed record RegisterDevice(string DeviceId, PublicKey Key, DeviceKind Kind, string CustomKind, GeoPoint Location, string Metadata) : DevicesBody
    {
        public override DevicesOperation Operation => DevicesOperation.RegisterDevice;

        protected override void EncodeFields(CanonicalWriter w)
        {
            w.WriteString(DeviceId);
            w.WritePublicKey(Key);
            w.WriteU8((byte)Kind);
            w.WriteString(CustomKind);
            Location.Encode(w);
            w.WriteString(Metadata);
        }

        internal static RegisterDevice DecodeFields(ref CanonicalReader r)
        {
            string id = EntityId.Read(ref r, "device id");
            var key = r.ReadPublicKey("device key");
            byte kind = r.ReadU8("kind");
            if (!DeviceKinds.IsDefined(kind)) throw new CodecException($"unknown device kind {kind}");
            string custom = r.ReadString(DeviceRecord.CustomKindBytesMax, "custom kind");
            if (((DeviceKind)kind == DeviceKind.Custom) != (custom.Length > 0))
                throw new CodecException("a custom kind name is required for kind custom and only for it");
            return new RegisterDevice(id, key, (DeviceKind)kind, custom, GeoPoint.Decode(ref r), r.ReadString(DeviceRecord.MetadataBytesMax, "metadata"));
        }
    }

    /// <summary>
    /// Replaces a device's key from this block's height on (the state after this block, which is
    /// what proofs of anchors in this same block are judged by, already holds the new key); only its
    /// owner may.
    /// </summary>
    public sealed record RotateDeviceKey(string DeviceId, PublicKey NewKey) : DevicesBody
    {
        public override DevicesOperation Operation => DevicesOperation.RotateDeviceKey;

        protected override void EncodeFields(CanonicalWriter w)
        {
            w.WriteString(DeviceId);
            w.WritePublicKey(NewKey);
        }
    }

    /// <summary>Revokes a device for good: from this block's height on, nothing it signs is accepted.</summary>
    public sealed record RevokeDevice(string DeviceId) : DevicesBody
    {
        public override DevicesOperation Operation => DevicesOperation.RevokeDevice;

        protected override void EncodeFields(CanonicalWriter w) => w.WriteString(DeviceId);
    }

    /// <summary>Registers a gateway whose anchors must come from <paramref name="Account"/>; the sender must hold the gateway-operator role.</summary>
    public sealed record RegisterGateway(string GatewayId, Address Account) : DevicesBody
    {
        public override DevicesOperation Operation => DevicesOperation.RegisterGateway;

        protected override void EncodeFields(CanonicalWriter w)
        {
            w.WriteString(GatewayId);
            w.WriteAddress(Account);
        }
    }

    /// <summary>The owner routes a device's readings through gateway <paramref name="GatewayId"/> (registered, not revoked): only its anchors prove them from this block on.</summary>
    public sealed record AssignDevice(string DeviceId, string GatewayId) : DevicesBody
    {
        public override DevicesOperation Operation => DevicesOperation.AssignDevice;

        protected override void EncodeFields(CanonicalWriter w)
        {
            w.WriteString(DeviceId);
            w.WriteString(GatewayId);
        }
    }

    /// <summary>Anchors batch <paramref name="Batch"/> of a gateway: the Merkle root of its readings, their count and time range.</summary>
    public sealed record AnchorBatch(string GatewayId, ulong Batch, Hash32 Root, uint Count, long FirstTimeMs, long LastTimeMs) : DevicesBody
    {
        public override DevicesOperation Operation => DevicesOperation.AnchorBatch;

        protected override void EncodeFields(CanonicalWriter w)
        {
            w.WriteString(GatewayId);
            w.WriteU64(Batch);
            w.WriteHash(Root);
            w.WriteU32(Count);
            w.WriteI64(FirstTimeMs);
            w.WriteI64(LastTimeMs);
        }
    }
}
