using CsCheck;
using Polis.Core.Crypto;

namespace Polis.Core.Tests;

public class Hash32Tests
{
    [Fact]
    public void Ordering_is_the_lexicographic_order_of_the_bytes()
    {
        Gen.Select(Gen.Byte.Array[Hash32.Size], Gen.Byte.Array[Hash32.Size]).Sample((a, b) =>
        {
            int expected = Math.Sign(a.AsSpan().SequenceCompareTo(b));
            Assert.Equal(expected, Math.Sign(new Hash32(a).CompareTo(new Hash32(b))));
            Assert.Equal(expected == 0, new Hash32(a) == new Hash32(b));
        }, iter: 1_000);
    }

    [Fact]
    public void Hex_text_and_bytes_round_trip()
    {
        Gens.Hash.Sample(h =>
        {
            Assert.Equal(h, Hash32.Parse(h.ToString()));
            Assert.Equal(h, new Hash32(h.ToArray()));
            Assert.Equal(h.ToString()[..12], h.Short);
        }, iter: 500);
    }

    [Fact]
    public void Bits_nibbles_and_common_prefix_follow_the_bytes_most_significant_bit_first()
    {
        Gen.Select(Gens.Hash, Gen.Int[0, 255]).Sample((h, flip) =>
        {
            var bytes = h.ToArray();
            for (int i = 0; i < 256; i++) Assert.Equal(((bytes[i / 8] >> (7 - i % 8)) & 1) == 1, h.Bit(i));
            for (int i = 0; i < 64; i++) Assert.Equal(i % 2 == 0 ? bytes[i / 2] >> 4 : bytes[i / 2] & 0xF, h.Nibble(i));
            bytes[flip / 8] ^= (byte)(0x80 >> (flip % 8));
            Assert.Equal(flip, h.CommonPrefixLength(new Hash32(bytes)));
            Assert.Equal(256, h.CommonPrefixLength(h));
        }, iter: 300);
    }

    [Fact]
    public void Malformed_hex_does_not_parse()
    {
        Assert.False(Hash32.TryParse(null, out _));
        Assert.False(Hash32.TryParse(new string('0', 63), out _));
        Assert.False(Hash32.TryParse(new string('g', 64), out _));
        Assert.Throws<FormatException>(() => Hash32.Parse("xyz"));
        Assert.True(Hash32.TryParse(new string('A', 64), out var upper));
        Assert.Equal(new string('a', 64), upper.ToString());
    }
}
