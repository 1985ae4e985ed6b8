using CsCheck;
using Polis.Modules.Devices;
using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Modules.Devices.Tests;

public sealed class ReadingTests
{
    private const string ChainId = "polis-city-test";
    private static readonly KeyPair DeviceKey = KeyPair.FromSeed([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);
    private static readonly KeyPair OtherKey = KeyPair.FromLabel("city-reading-other");
    private static readonly Hash32 Payload = Sha256.Hash("a camera frame"u8);

    private static Reading Sample() =>
        Reading.Create(ChainId, "meter-42", 7, 1_700_000_000_123, "energy", "Wh", [1234, -5], Payload, DeviceKey);

    // The canonical bytes of Sample(), signature included (checked once against an independent
    // Ed25519 implementation: Python's cryptography, signing 0x80 || the bytes before the signature).
    // If this changes, every batch root and every stored proof changes meaning: change it only
    // with a new format version.
    private const string GoldenHex =
        "000f706f6c69732d636974792d74657374" + // chain id "polis-city-test"
        "00086d657465722d3432" + // device id "meter-42"
        "0000000000000007" + // sequence 7
        "0000018bcfe5687b" + // time 1700000000123
        "0006656e65726779" + // metric "energy"
        "00025768" + // unit "Wh"
        "00000002" + // 2 values
        "00000000000004d2fffffffffffffffb" + // 1234, -5
        "01be271649530a5666770884d5c87ef045ca73557b08e0889e6131b0e490e0991e" + // payload hash
        "cb9dd821fa00a39a1bc61f81baaaabeaf9e00c3e84025a4ae1a82f9c97814fc96662ac086eb208ee71e44770b12cb8cb1d15c092574566703dd5d6683457820f"; // Ed25519 signature

    [Fact]
    public void The_encoding_matches_the_golden_vector()
    {
        Assert.Equal(GoldenHex, Convert.ToHexStringLower(Sample().Encoded));
        Assert.True(Reading.Decode(Convert.FromHexString(GoldenHex)).VerifySignature(DeviceKey.PublicKey));
    }

    [Fact]
    public void A_reading_round_trips_through_its_encoding()
    {
        var reading = Sample();
        var decoded = Reading.Decode(reading.Encoded);
        Assert.Equal((reading.ChainId, reading.DeviceId, reading.Sequence, reading.TimeMs, reading.Metric, reading.Unit, reading.PayloadHash, reading.Signature),
            (decoded.ChainId, decoded.DeviceId, decoded.Sequence, decoded.TimeMs, decoded.Metric, decoded.Unit, decoded.PayloadHash, decoded.Signature));
        Assert.Equal(reading.Values, decoded.Values);
        Assert.Equal(reading.Encoded, decoded.Encoded);
        Assert.Equal(reading.SignBytes(), decoded.SignBytes());
        Assert.Equal(reading.LeafHash, decoded.LeafHash);
    }

    [Fact]
    public void Random_readings_round_trip_and_verify()
    {
        var ids = Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789._-"].Array[1, 64].Select(c => new string(c));
        Gen.Select(ids, Gen.ULong, Gen.Long, Gen.Long.Array[0, Reading.ValuesMax], Gen.Bool, Gen.String[1, 16]).Sample((id, sequence, time, values, withPayload, unit) =>
        {
            if (System.Text.Encoding.UTF8.GetByteCount(unit) > Reading.UnitBytesMax) return true;
            Hash32? payload = withPayload || values.Length == 0 ? Payload : null;
            var reading = Reading.Create(ChainId, id, sequence, time, "m", unit, values, payload, DeviceKey);
            var decoded = Reading.Decode(reading.Encoded);
            return decoded.Encoded.AsSpan().SequenceEqual(reading.Encoded) && decoded.DeviceId == id && decoded.Unit == unit
                && decoded.Values.SequenceEqual(values) && decoded.PayloadHash == payload && decoded.VerifySignature(DeviceKey.PublicKey);
        }, iter: 200);
    }

    [Fact]
    public void The_signature_verifies_only_with_the_devices_key()
    {
        var reading = Sample();
        Assert.True(reading.VerifySignature(DeviceKey.PublicKey));
        Assert.False(reading.VerifySignature(OtherKey.PublicKey));
        var forged = Reading.Create(ChainId, "meter-42", 7, 1_700_000_000_123, "energy", "Wh", [1234, -5], Payload, OtherKey);
        Assert.False(forged.VerifySignature(DeviceKey.PublicKey));
    }

    [Theory]
    [InlineData(0x01)]
    [InlineData(0x80)]
    [InlineData(0xFF)]
    public void Any_changed_byte_fails_to_decode_or_to_verify(int mask)
    {
        var encoded = Sample().Encoded;
        for (int offset = 0; offset < encoded.Length; offset++)
        {
            var changed = (byte[])encoded.Clone();
            changed[offset] ^= (byte)mask;
            if (Reading.TryDecode(changed, out var reading, out _))
                Assert.False(reading!.VerifySignature(DeviceKey.PublicKey), $"byte {offset} changed and the signature still verifies");
        }
    }

    [Fact]
    public void Malformed_encodings_are_rejected_with_a_codec_exception()
    {
        var valid = Sample().Encoded;
        Assert.Throws<CodecException>(() => Reading.Decode([.. valid, 0]));
        for (int length = 0; length < valid.Length; length++) Assert.Throws<CodecException>(() => Reading.Decode(valid.AsSpan(0, length)));
        Assert.Throws<CodecException>(() => Reading.Decode(new byte[Reading.EncodedBytesMax + 1]));
        Assert.Throws<CodecException>(() => Reading.Decode(Encode(deviceId: "Meter-42")));
        Assert.Throws<CodecException>(() => Reading.Decode(Encode(deviceId: "meter/42")));
        Assert.Throws<CodecException>(() => Reading.Decode(Encode(deviceId: "")));
        Assert.Throws<CodecException>(() => Reading.Decode(Encode(deviceId: new string('a', 65))));
        Assert.Throws<CodecException>(() => Reading.Decode(Encode(chainId: "")));
        Assert.Throws<CodecException>(() => Reading.Decode(Encode(metric: "")));
        Assert.Throws<CodecException>(() => Reading.Decode(Encode(metric: new string('m', Reading.MetricBytesMax + 1))));
        Assert.Throws<CodecException>(() => Reading.Decode(Encode(unit: new string('u', Reading.UnitBytesMax + 1))));
        Assert.Throws<CodecException>(() => Reading.Decode(Encode(values: new long[Reading.ValuesMax + 1])));
        Assert.Throws<CodecException>(() => Reading.Decode(Encode(values: [], payloadFlag: 0)));
        Assert.Throws<CodecException>(() => Reading.Decode(Encode(payloadFlag: 2)));
        // The helper itself writes a decodable reading when nothing is off.
        Assert.Equal("meter-42", Reading.Decode(Encode()).DeviceId);
    }

    [Fact]
    public void Create_rejects_out_of_bound_fields()
    {
        Assert.Throws<ArgumentException>(() => Reading.Create(ChainId, "Meter", 1, 0, "m", "", [1], null, DeviceKey));
        Assert.Throws<ArgumentException>(() => Reading.Create(ChainId, "meter", 1, 0, "", "", [1], null, DeviceKey));
        Assert.Throws<ArgumentException>(() => Reading.Create(ChainId, "meter", 1, 0, "m", "", new long[Reading.ValuesMax + 1], null, DeviceKey));
        Assert.Throws<ArgumentException>(() => Reading.Create(ChainId, "meter", 1, 0, "m", "", [], null, DeviceKey));
        Assert.Throws<ArgumentException>(() => Reading.Create("", "meter", 1, 0, "m", "", [1], null, DeviceKey));
    }

    /// <summary>A reading's layout written field by field (with a zero signature), so each field can be made wrong on its own.</summary>
    private static byte[] Encode(string chainId = ChainId, string deviceId = "meter-42", string metric = "energy", string unit = "Wh",
        long[]? values = null, byte payloadFlag = 1)
    {
        values ??= [1234, -5];
        var w = new CanonicalWriter();
        w.WriteString(chainId);
        w.WriteString(deviceId);
        w.WriteU64(7);
        w.WriteI64(1_700_000_000_123);
        w.WriteString(metric);
        w.WriteString(unit);
        w.WriteCount(values.Length);
        foreach (long v in values) w.WriteI64(v);
        w.WriteU8(payloadFlag);
        if (payloadFlag == 1) w.WriteHash(Payload);
        w.WriteSignature(default);
        return w.ToArray();
    }
}
