using Polis.Core.Crypto;

namespace Polis.Network.Tests;

public class PeerAddressTests
{
    private static readonly PublicKey Key = KeyPair.FromLabel("peer-address").PublicKey;

    [Fact]
    public void Parses_host_and_port()
    {
        var address = PeerAddress.Parse("node1.example:26656");
        Assert.Equal(new PeerAddress("node1.example", 26656, null), address);
        Assert.Equal("node1.example:26656", address.ToString());
    }

    [Fact]
    public void Parses_pinned_key_and_round_trips()
    {
        string text = $"{Key}@127.0.0.1:9000";
        var address = PeerAddress.Parse(text);
        Assert.Equal("127.0.0.1", address.Host);
        Assert.Equal(9000, address.Port);
        Assert.Equal(Key, address.ExpectedKey);
        Assert.Equal(text, address.ToString());
        Assert.Equal(address, PeerAddress.Parse(address.ToString()));
    }

    [Fact]
    public void Accepts_upper_case_hex_and_bracketed_ipv6()
    {
        var address = PeerAddress.Parse($"{Key.ToString().ToUpperInvariant()}@[::1]:26656");
        Assert.Equal("::1", address.Host);
        Assert.Equal(Key, address.ExpectedKey);
        Assert.Equal($"{Key}@[::1]:26656", address.ToString());
    }

    [Theory]
    [InlineData("", "host:port")]
    [InlineData("localhost", "host:port")]
    [InlineData(":26656", "host is empty")]
    [InlineData("localhost:0", "port")]
    [InlineData("localhost:65536", "port")]
    [InlineData("localhost:-1", "port")]
    [InlineData("localhost:abc", "port")]
    [InlineData("::1:26656", "brackets")]
    [InlineData("[::1]26656", "[address]:port")]
    [InlineData("abcd@localhost:1", "64 hex")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000@localhost:1", "64 hex")]
    public void Rejects_bad_text_with_a_clear_message(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => PeerAddress.Parse(text));
        Assert.Contains(expected, e.Message);
    }
}
