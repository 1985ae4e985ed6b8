using CsCheck;
using Polis.Core.Crypto;

namespace Polis.Core.Tests;

public sealed class AddressTests
{
    private const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    [Fact]
    public void Addresses_round_trip_through_their_text_form() =>
        Gen.Byte.Array[Address.Size].Sample(bytes =>
        {
            var address = new Address(bytes);
            var text = address.ToString();
            Assert.StartsWith("polis1", text);
            Assert.Equal(address, Address.Parse(text));
            Assert.Equal(address, Address.Parse(text.ToUpperInvariant()));
        });

    [Fact]
    public void Any_single_mistyped_character_is_caught_by_the_checksum() =>
        Gen.Select(Gen.Byte.Array[Address.Size], Gen.Int[6, 44], Gen.Int[1, 31]).Sample((bytes, position, shift) =>
        {
            var text = new Address(bytes).ToString().ToCharArray();
            int at = Math.Min(position, text.Length - 1);
            text[at] = Charset[(Charset.IndexOf(text[at]) + shift) % 32];
            Assert.False(Address.TryParse(new string(text), out _, out var error));
            Assert.Contains("checksum", error);
        });

    [Fact]
    public void Mixed_case_wrong_prefix_and_garbage_are_rejected_with_a_reason()
    {
        var text = Build.Alice.Address.ToString();
        Assert.False(Address.TryParse(text[..8].ToUpperInvariant() + text[8..], out _, out var mixed));
        Assert.Contains("case", mixed);
        var other = Bech32.Encode("city", Build.Alice.Address.ToArray());
        Assert.False(Address.TryParse(other, out _, out var prefix));
        Assert.Contains("polis1", prefix);
        Assert.False(Address.TryParse("", out _, out _));
        Assert.False(Address.TryParse("polis1", out _, out _));
        Assert.False(Address.TryParse(new string('q', 200), out _, out _));
        Assert.False(Address.TryParse("polis1\u00e9qqqqqqq", out _, out _));
    }
}
