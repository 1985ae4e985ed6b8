using CsCheck;
using Polis.Core.Crypto;

namespace Polis.Core.Tests;

/// <summary>The Bech32 text form of addresses: a typo must never name another account.</summary>
public class AddressTests
{
    private static readonly Gen<Address> Addresses = Gens.Address;

    [Fact]
    public void Address_text_round_trips()
    {
        Addresses.Sample(address =>
        {
            var text = address.ToString();
            Assert.StartsWith("polis1", text);
            Assert.Equal(Address.Prefix.Length + 1 + 32 + 6, text.Length);
            Assert.Equal(address, Address.Parse(text));
        }, iter: 500);
    }

    [Fact]
    public void Address_is_the_first_20_bytes_of_the_sha256_of_the_public_key()
    {
        var key = Build.User.PublicKey;
        Assert.Equal(Sha256.Hash(key.Bytes).ToArray()[..Address.Size], Address.From(key).ToArray());
    }

    [Fact]
    public void Any_single_character_substitution_is_rejected()
    {
        Addresses.Sample(address =>
        {
            var text = address.ToString();
            for (int i = 0; i < text.Length; i++)
            {
                for (char c = '!'; c <= '~'; c++)
                {
                    if (c == text[i]) continue;
                    var typo = string.Concat(text.AsSpan(0, i), c.ToString(), text.AsSpan(i + 1));
                    Assert.False(Address.TryParse(typo, out _, out _), typo);
                }
            }
        }, iter: 20);
    }

    [Fact]
    public void Any_swap_of_two_adjacent_different_characters_is_rejected()
    {
        Addresses.Sample(address =>
        {
            var text = address.ToString().ToCharArray();
            for (int i = 0; i + 1 < text.Length; i++)
            {
                if (text[i] == text[i + 1]) continue;
                var typo = (char[])text.Clone();
                (typo[i], typo[i + 1]) = (typo[i + 1], typo[i]);
                Assert.False(Address.TryParse(new string(typo), out _, out _), new string(typo));
            }
        }, iter: 100);
    }

    [Fact]
    public void Mixed_case_is_rejected_but_all_upper_case_is_the_same_address()
    {
        var address = Build.User.Address;
        var text = address.ToString();
        Assert.Equal(address, Address.Parse(text.ToUpperInvariant()));
        for (int i = 0; i < text.Length; i++)
        {
            if (!char.IsAsciiLetterLower(text[i])) continue;
            var mixed = string.Concat(text.AsSpan(0, i), char.ToUpperInvariant(text[i]).ToString(), text.AsSpan(i + 1));
            Assert.False(Address.TryParse(mixed, out _, out var error));
            Assert.Contains("case", error);
        }
    }

    [Fact]
    public void Wrong_prefix_is_rejected_even_with_a_valid_checksum()
    {
        var bytes = Build.User.Address.ToArray();
        foreach (var prefix in new[] { "cosmos", "poli", "poliss", "bc" })
        {
            var text = Bech32.Encode(prefix, bytes);
            Assert.True(Bech32.TryDecode(text, out _, out _, out _));
            Assert.False(Address.TryParse(text, out _, out var error));
            Assert.Contains("polis1", error);
        }
    }

    [Fact]
    public void Valid_bech32_with_a_payload_of_the_wrong_size_is_rejected()
    {
        Assert.False(Address.TryParse(Bech32.Encode("polis", new byte[19]), out _, out _));
        Assert.False(Address.TryParse(Bech32.Encode("polis", new byte[32]), out _, out _));
        Assert.False(Address.TryParse(Bech32.Encode("polis", []), out _, out _));
    }

    [Fact]
    public void Empty_null_and_overlong_text_is_rejected_and_parse_throws_format_exception()
    {
        Assert.False(Address.TryParse(null, out _, out _));
        Assert.False(Address.TryParse("", out _, out _));
        Assert.False(Address.TryParse(Bech32.Encode("polis", new byte[60]), out _, out _));
        Assert.Throws<FormatException>(() => Address.Parse("polis1qqqq"));
    }

    [Fact]
    public void Random_text_never_throws_from_try_parse()
    {
        Gen.String.Sample(text => { _ = Address.TryParse(text, out _, out _); }, iter: 5_000);
        Gen.Char["qpzry9x8gf2tvdw0s3jn54khce6mua7l1POLIS"].Array[0, 60].Sample(c => { _ = Address.TryParse(new string(c), out _, out _); }, iter: 5_000);
    }
}
