using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;

namespace Polis.Modules.Devices;

/// <summary>
/// One signed measurement from a device: chain id, device id, sequence number (strictly increasing
/// per device), time, metric and unit, integer values and/or the hash of a larger payload kept
/// elsewhere, and the device's Ed25519 signature over all of it. The encoded bytes are kept: they
/// are the leaf of the gateway's batch tree, so a proof commits to the signature too.
/// </summary>
public sealed class Reading
{
    public const int MetricBytesMax = 32;
    public const int UnitBytesMax = 16;
    public const int ValuesMax = 16;
    /// <summary>Upper bound of an encoded reading; anything larger is rejected before decoding.</summary>
    public const int EncodedBytesMax = 512;

    private Reading(string chainId, string deviceId, ulong sequence, long timeMs, string metric, string unit,
        long[] values, Hash32? payloadHash, Signature signature, byte[] encoded)
    {
        ChainId = chainId; DeviceId = deviceId; Sequence = sequence; TimeMs = timeMs; Metric = metric; Unit = unit;
        _values = values; PayloadHash = payloadHash; Signature = signature; Encoded = encoded;
    }

    private readonly long[] _values;

    public string ChainId { get; }
    public string DeviceId { get; }
    public ulong Sequence { get; }
    public long TimeMs { get; }
    public string Metric { get; }
    public string Unit { get; }
    public IReadOnlyList<long> Values => _values;
    public Hash32? PayloadHash { get; }
    public Signature Signature { get; }
    /// <summary>The canonical encoding, signature included.</summary>
    public byte[] Encoded { get; }
    public Hash32 LeafHash => Core.Merkle.MerkleTree.LeafHash(Encoded);

    public static Reading Create(string chainId, string deviceId, ulong sequence, long timeMs, string metric, string unit,
        ReadOnlySpan<long> values, Hash32? payloadHash, KeyPair deviceKey)
    {
        Polis.Core.Ledger.ChainId.Check(chainId);
        EntityId.Check(deviceId, "device id");
        CheckFields(metric, unit, values.Length, payloadHash.HasValue, s => new ArgumentException(s));
        var valuesCopy = values.ToArray();
        var w = new CanonicalWriter(160 + 8 * values.Length);
        w.WriteU8(SignDomain.Reading);
        WriteFields(w, chainId, deviceId, sequence, timeMs, metric, unit, valuesCopy, payloadHash);
        var signature = deviceKey.Sign(w.WrittenSpan);
        w.WriteSignature(signature);
        return new Reading(chainId, deviceId, sequence, timeMs, metric, unit, valuesCopy, payloadHash, signature, w.WrittenSpan[1..].ToArray());
    }

    /// <summary>The bytes the device signs: the domain tag followed by the encoding without its signature.</summary>
    public byte[] SignBytes()
    {
        var bytes = new byte[Encoded.Length + 1 - Signature.Size];
        bytes[0] = SignDomain.Reading;
        Encoded.AsSpan(0, Encoded.Length - Signature.Size).CopyTo(bytes.AsSpan(1));
        return bytes;
    }

    public bool VerifySignature(PublicKey key, ISignatureVerifier? verifier = null) =>
        (verifier ?? DirectSignatureVerifier.Instance).Verify(key, SignBytes(), Signature);

    private static void WriteFields(CanonicalWriter w, string chainId, string deviceId, ulong sequence, long timeMs, string metric, string unit,
        long[] values, Hash32? payloadHash)
    {
        w.WriteString(chainId);
        w.WriteString(deviceId);
        w.WriteU64(sequence);
        w.WriteI64(timeMs);
        w.WriteString(metric);
        w.WriteString(unit);
        w.WriteCount(values.Length);
        foreach (long v in values) w.WriteI64(v);
        w.WriteBool(payloadHash.HasValue);
        if (payloadHash is { } hash) w.WriteHash(hash);
    }

    private static void CheckFields(string metric, string unit, int valueCount, bool hasPayload, Func<string, Exception> error)
    {
        if (metric.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(metric) > MetricBytesMax) throw error($"metric must be 1 to {MetricBytesMax} bytes");
        if (System.Text.Encoding.UTF8.GetByteCount(unit) > UnitBytesMax) throw error($"unit exceeds {UnitBytesMax} bytes");
        if (valueCount > ValuesMax) throw error($"more than {ValuesMax} values");
        if (valueCount == 0 && !hasPayload) throw error("a reading carries at least one value or a payload hash");
    }

    /// <summary>Decodes a reading's canonical bytes; checks shape and bounds, not the signature.</summary>
    public static Reading Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length > EncodedBytesMax) throw new CodecException($"reading exceeds {EncodedBytesMax} bytes");
        var r = new CanonicalReader(encoded);
        string chainId = r.ReadString(Limits.ChainIdBytesMax, "chain id");
        if (!Polis.Core.Ledger.ChainId.IsValid(chainId, out var chainError)) throw new CodecException(chainError);
        string deviceId = EntityId.Read(ref r, "device id");
        ulong sequence = r.ReadU64("sequence");
        long time = r.ReadI64("time");
        string metric = r.ReadString(MetricBytesMax, "metric");
        string unit = r.ReadString(UnitBytesMax, "unit");
        int n = r.ReadCount(ValuesMax, 8, "values");
        var values = new long[n];
        for (int i = 0; i < n; i++) values[i] = r.ReadI64("value");
        Hash32? payload = r.ReadBool("has payload hash") ? r.ReadHash("payload hash") : null;
        var signature = r.ReadSignature();
        r.End("reading");
        CheckFields(metric, unit, n, payload.HasValue, s => new CodecException(s));
        return new Reading(chainId, deviceId, sequence, time, metric, unit, values, payload, signature, encoded.ToArray());
    }

    public static bool TryDecode(ReadOnlySpan<byte> encoded, out Reading? reading, out string error)
    {
        try
        {
            reading = Decode(encoded);
            error = "";
            return true;
        }
        catch (CodecException e)
        {
            reading = null;
            error = e.Message;
            return false;
        }
    }
}
