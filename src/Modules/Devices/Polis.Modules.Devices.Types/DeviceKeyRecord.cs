using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Modules.Devices;

/// <summary>
/// One entry of a device's key history: the key, the height from which it signed, and the height
/// from which it no longer does (0 while it is the current key) with that block's time
/// (<paramref name="UntilMs"/>). Kept forever, so anyone can tell which key a device had at any
/// height, and a reading signed before a rotation stays provable through an anchor made soon after
/// it (<see cref="DevicesLimits.HandoverGraceMs"/>).
/// </summary>
public sealed record DeviceKeyRecord(PublicKey Key, ulong From, ulong Until, long UntilMs = 0)
{
    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(PublicKey.Size + 24);
        w.WritePublicKey(Key);
        w.WriteU64(From);
        w.WriteU64(Until);
        w.WriteI64(UntilMs);
        return w.ToArray();
    }

    public static DeviceKeyRecord Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        var record = new DeviceKeyRecord(r.ReadPublicKey("key"), r.ReadU64("from"), r.ReadU64("until"), r.ReadI64("until time"));
        r.End("device key record");
        return record;
    }
}
