using System.Globalization;
using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Modules.Devices;

/// <summary>
/// The events of the Devices module, typed. Each writes its data in the canonical encoding and reads
/// it back from a stored event's type and data; <see cref="Event.Attributes"/> names the fields for people
/// (the API shows them). Whoever follows the chain (a gateway dropping cached keys, an indexer) reads
/// <see cref="DeviceChanged.DeviceId"/> from the three events that change a device's record.
/// </summary>
public static class DevicesEvents
{
    public abstract record Event
    {
        public abstract string Type { get; }
        public abstract byte[] ToBytes();
        public abstract IReadOnlyDictionary<string, string> Attributes();
    }

    /// <summary>An event after which a device's record (and so the key its readings need) is different.</summary>
    public abstract record DeviceChanged(string DeviceId) : Event;

    /// <summary><c>devices/device-registered</c>.</summary>
    public sealed record Registered(string DeviceId, Address Owner, string KindName) : DeviceChanged(DeviceId)
    {
        public const string TypeName = "device-registered";
        public override string Type => TypeName;
        public override byte[] ToBytes() => Write(w => { w.WriteString(DeviceId); w.WriteAddress(Owner); w.WriteString(KindName); });
        public override IReadOnlyDictionary<string, string> Attributes() => new Dictionary<string, string> { ["deviceId"] = DeviceId, ["owner"] = Owner.ToString(), ["kind"] = KindName };
    }

    /// <summary><c>devices/device-key-rotated</c>: the device signs with key number <paramref name="KeyIndex"/> from this block on.</summary>
    public sealed record KeyRotated(string DeviceId, uint KeyIndex, PublicKey Key) : DeviceChanged(DeviceId)
    {
        public const string TypeName = "device-key-rotated";
        public override string Type => TypeName;
        public override byte[] ToBytes() => Write(w => { w.WriteString(DeviceId); w.WriteU32(KeyIndex); w.WritePublicKey(Key); });
        public override IReadOnlyDictionary<string, string> Attributes() => new Dictionary<string, string> { ["deviceId"] = DeviceId, ["keyIndex"] = KeyIndex.ToString(CultureInfo.InvariantCulture), ["key"] = Key.ToString() };
    }

    /// <summary><c>devices/device-revoked</c>.</summary>
    public sealed record Revoked(string DeviceId) : DeviceChanged(DeviceId)
    {
        public const string TypeName = "device-revoked";
        public override string Type => TypeName;
        public override byte[] ToBytes() => Write(w => w.WriteString(DeviceId));
        public override IReadOnlyDictionary<string, string> Attributes() => new Dictionary<string, string> { ["deviceId"] = DeviceId };
    }

    /// <summary><c>devices/device-assigned</c>: the device's readings go through gateway <paramref name="GatewayId"/> from this block on.</summary>
    public sealed record Assigned(string DeviceId, string GatewayId) : DeviceChanged(DeviceId)
    {
        public const string TypeName = "device-assigned";
        public override string Type => TypeName;
        public override byte[] ToBytes() => Write(w => { w.WriteString(DeviceId); w.WriteString(GatewayId); });
        public override IReadOnlyDictionary<string, string> Attributes() => new Dictionary<string, string> { ["deviceId"] = DeviceId, ["gatewayId"] = GatewayId };
    }

    /// <summary><c>devices/gateway-registered</c>.</summary>
    public sealed record GatewayRegistered(string GatewayId, Address Account) : Event
    {
        public const string TypeName = "gateway-registered";
        public override string Type => TypeName;
        public override byte[] ToBytes() => Write(w => { w.WriteString(GatewayId); w.WriteAddress(Account); });
        public override IReadOnlyDictionary<string, string> Attributes() => new Dictionary<string, string> { ["gatewayId"] = GatewayId, ["account"] = Account.ToString() };
    }

    /// <summary><c>devices/batch-anchored</c>: batch <paramref name="Batch"/> of a gateway, <paramref name="Count"/> readings under <paramref name="Root"/>.</summary>
    public sealed record BatchAnchored(string GatewayId, ulong Batch, uint Count, Hash32 Root) : Event
    {
        public const string TypeName = "batch-anchored";
        public override string Type => TypeName;
        public override byte[] ToBytes() => Write(w => { w.WriteString(GatewayId); w.WriteU64(Batch); w.WriteU32(Count); w.WriteHash(Root); });
        public override IReadOnlyDictionary<string, string> Attributes() => new Dictionary<string, string>
        {
            ["gatewayId"] = GatewayId, ["batch"] = Batch.ToString(CultureInfo.InvariantCulture), ["count"] = Count.ToString(CultureInfo.InvariantCulture), ["root"] = Root.ToString(),
        };
    }

    /// <summary>Reads a stored event of this module back; a <see cref="CodecException"/> when the type is unknown or the data malformed.</summary>
    public static Event Decode(string type, ReadOnlySpan<byte> data)
    {
        var r = new CanonicalReader(data);
        Event e = type switch
        {
            Registered.TypeName => new Registered(EntityId.Read(ref r, "device id"), r.ReadAddress("owner"), r.ReadString(DeviceRecord.CustomKindBytesMax, "kind")),
            KeyRotated.TypeName => new KeyRotated(EntityId.Read(ref r, "device id"), r.ReadU32("key index"), r.ReadPublicKey("key")),
            Revoked.TypeName => new Revoked(EntityId.Read(ref r, "device id")),
            Assigned.TypeName => new Assigned(EntityId.Read(ref r, "device id"), EntityId.Read(ref r, "gateway id")),
            GatewayRegistered.TypeName => new GatewayRegistered(EntityId.Read(ref r, "gateway id"), r.ReadAddress("account")),
            BatchAnchored.TypeName => new BatchAnchored(EntityId.Read(ref r, "gateway id"), r.ReadU64("batch"), r.ReadU32("count"), r.ReadHash("root")),
            _ => throw new CodecException($"unknown devices event '{type}'"),
        };
        r.End($"devices event {type}");
        return e;
    }

    private static byte[] Write(Action<CanonicalWriter> fields)
    {
        var w = new CanonicalWriter(128);
        fields(w);
        return w.ToArray();
    }
}
