using CsCheck;
using Polis.Core.Encoding;

namespace Polis.Core.Tests;

/// <summary>Properties every decoder must have, whatever the type: round trip, prefix freedom, hostile input.</summary>
public class CodecPropertyTests
{
    [Theory, MemberData(nameof(Codecs.Names), MemberType = typeof(Codecs))]
    public void Decoding_then_encoding_gives_back_the_same_bytes(string name)
    {
        var codec = Codecs.All[name];
        codec.Valid.Sample(bytes => Assert.Equal(bytes, codec.DecodeThenEncode(bytes)), iter: 100);
    }

    [Theory, MemberData(nameof(Codecs.Names), MemberType = typeof(Codecs))]
    public void Every_strict_truncation_of_a_valid_encoding_is_rejected_with_a_codec_exception(string name)
    {
        var codec = Codecs.All[name];
        codec.Valid.Sample(bytes =>
        {
            for (int length = 0; length < bytes.Length; length++)
                Assert.Throws<CodecException>(() => codec.DecodeThenEncode(bytes[..length]));
        }, iter: 20);
    }

    [Theory, MemberData(nameof(Codecs.Names), MemberType = typeof(Codecs))]
    public void Any_trailing_garbage_after_a_valid_encoding_is_rejected(string name)
    {
        var codec = Codecs.All[name];
        Gen.Select(codec.Valid, Gen.Byte.Array[1, 40])
            .Sample((bytes, garbage) => Assert.Throws<CodecException>(() => codec.DecodeThenEncode([.. bytes, .. garbage])), iter: 100);
    }

    [Theory, MemberData(nameof(Codecs.Names), MemberType = typeof(Codecs))]
    public void Random_bytes_are_either_rejected_with_a_codec_exception_or_decode_canonically(string name)
    {
        var codec = Codecs.All[name];
        Gen.Byte.Array[0, 700].Sample(bytes => DecodesCanonicallyOrRejects(codec, bytes), iter: 3_000);
    }

    /// <summary>
    /// Random bytes rarely get past the first field; mutating valid encodings reaches the deeper
    /// checks. Whatever decodes must re-encode to the very same bytes: there is one encoding per value.
    /// </summary>
    [Theory, MemberData(nameof(Codecs.Names), MemberType = typeof(Codecs))]
    public void Mutated_encodings_are_either_rejected_with_a_codec_exception_or_decode_canonically(string name)
    {
        var codec = Codecs.All[name];
        Gen.Select(codec.Valid, Gen.Int[0, 4], Gen.Int.NonNegative, Gen.Byte)
            .Sample((bytes, kind, at, value) => DecodesCanonicallyOrRejects(codec, Mutate(bytes, kind, at, value)), iter: 600);
    }

    private static byte[] Mutate(byte[] bytes, int kind, int at, byte value)
    {
        if (bytes.Length == 0) return [value];
        int i = at % bytes.Length;
        var copy = bytes.ToArray();
        switch (kind)
        {
            case 0: copy[i] ^= (byte)(1 << (value & 7)); return copy;
            case 1: copy[i] = value; return copy;
            case 2: return [.. bytes[..i], value, .. bytes[i..]];
            case 3: return [.. bytes[..i], .. bytes[(i + 1)..]];
            default:
                // A run of 0xFF: the largest lengths and counts a field can declare.
                for (int j = i; j < Math.Min(copy.Length, i + 4); j++) copy[j] = 0xFF;
                return copy;
        }
    }

    private static void DecodesCanonicallyOrRejects(Codecs.Codec codec, byte[] bytes)
    {
        byte[] reencoded;
        try
        {
            reencoded = codec.DecodeThenEncode(bytes);
        }
        catch (CodecException)
        {
            return;
        }
        Assert.Equal(bytes, reencoded);
    }
}
