using Polis.Core.Encoding;

namespace Polis.Core.Tests;

/// <summary>The primitive reader and writer under the ledger types.</summary>
public class CanonicalCodecTests
{
    [Fact]
    public void Integers_are_fixed_width_big_endian()
    {
        var w = new CanonicalWriter(1);
        w.WriteU8(0x01);
        w.WriteU16(0x0203);
        w.WriteU32(0x04050607);
        w.WriteI32(-2);
        w.WriteU64(0x08090A0B0C0D0E0F);
        w.WriteI64(-1);
        w.WriteBool(true);
        Assert.Equal("010203040506" + "07fffffffe" + "08090a0b0c0d0e0f" + "ffffffffffffffff" + "01", Convert.ToHexStringLower(w.WrittenSpan));
        var r = new CanonicalReader(w.WrittenSpan);
        Assert.Equal(0x01, r.ReadU8());
        Assert.Equal(0x0203, r.ReadU16());
        Assert.Equal(0x04050607u, r.ReadU32());
        Assert.Equal(-2, r.ReadI32());
        Assert.Equal(0x08090A0B0C0D0E0FUL, r.ReadU64());
        Assert.Equal(-1L, r.ReadI64());
        Assert.True(r.ReadBool());
        r.End("test");
    }

    [Fact]
    public void Writer_reused_after_reset_writes_the_same_bytes()
    {
        var w = new CanonicalWriter(16);
        Build.Block2().Encode(w);
        var first = w.ToArray();
        w.Reset();
        Assert.Equal(0, w.Length);
        Build.Block2().Encode(w);
        Assert.Equal(first, w.ToArray());
    }

    [Fact]
    public void Boolean_other_than_0_or_1_is_rejected()
    {
        Assert.Throws<CodecException>(() => new CanonicalReader([2]).ReadBool());
        Assert.False(new CanonicalReader([0]).ReadBool());
    }

    [Fact]
    public void Byte_string_longer_than_its_maximum_is_rejected()
    {
        var w = new CanonicalWriter();
        w.WriteBytes([1, 2, 3, 4]);
        Assert.Throws<CodecException>(() => new CanonicalReader(w.WrittenSpan).ReadBytes(3, "field"));
        Assert.Equal([1, 2, 3, 4], new CanonicalReader(w.WrittenSpan).ReadBytes(4, "field"));
    }

    [Fact]
    public void String_longer_than_its_maximum_or_not_utf8_is_rejected()
    {
        var w = new CanonicalWriter();
        w.WriteString("héllo");
        Assert.Equal("héllo", new CanonicalReader(w.WrittenSpan).ReadString(6, "s"));
        Assert.Throws<CodecException>(() => new CanonicalReader(w.WrittenSpan).ReadString(5, "s"));
        Assert.Throws<CodecException>(() => new CanonicalReader([0x00, 0x01, 0xFF]).ReadString(10, "s"));
        Assert.Throws<CodecException>(() => new CanonicalReader([0x00, 0x02, 0xC0, 0x80]).ReadString(10, "s")); // overlong NUL
    }

    [Fact]
    public void Count_is_bounded_by_its_maximum_and_by_the_bytes_left()
    {
        Assert.Equal(2, new CanonicalReader([0, 0, 0, 2, 9, 9, 9, 9]).ReadCount(10, 2, "items"));
        Assert.Throws<CodecException>(() => new CanonicalReader([0, 0, 0, 11]).ReadCount(10, 0, "items"));
        Assert.Throws<CodecException>(() => new CanonicalReader([0, 0, 0, 3, 9, 9, 9, 9, 9]).ReadCount(10, 2, "items"));
        Assert.Throws<CodecException>(() => new CanonicalReader([0xFF, 0xFF, 0xFF, 0xFF]).ReadCount(int.MaxValue, 1, "items"));
    }

    [Fact]
    public void Reading_past_the_end_is_a_codec_exception()
    {
        Assert.Throws<CodecException>(() => new CanonicalReader([1, 2, 3]).ReadU32());
        Assert.Throws<CodecException>(() => new CanonicalReader([]).ReadU8());
        Assert.Throws<CodecException>(() => new CanonicalReader(new byte[31]).ReadHash());
        Assert.Throws<CodecException>(() => new CanonicalReader([1]).End("x"));
    }
}
