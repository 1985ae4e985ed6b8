using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Network.Handshake;
using Polis.Network.Tls;

namespace Polis.Network.Tests;

public class HelloTests
{
    [Fact]
    public void Encodes_and_decodes()
    {
        using var key = KeyPair.Generate();
        var hello = HelloBinding.Create("polis-test", key, [1, 2, 3], [4, 5]);
        var decoded = Hello.Decode(hello.Encode());
        Assert.Equal(hello, decoded);
        Assert.True(hello.Encode().Length <= Hello.BytesMax);
    }

    [Fact]
    public void Rejects_wrong_magic_version_and_trailing_bytes()
    {
        using var key = KeyPair.Generate();
        var bytes = HelloBinding.Create("polis-test", key, [1], [2]).Encode();

        var badMagic = (byte[])bytes.Clone();
        badMagic[0] ^= 1;
        Assert.Throws<CodecException>(() => Hello.Decode(badMagic));

        var badVersion = (byte[])bytes.Clone();
        badVersion[5] = 2;
        Assert.Contains("version", Assert.Throws<CodecException>(() => Hello.Decode(badVersion)).Message);

        Assert.Throws<CodecException>(() => Hello.Decode([.. bytes, 0]));
        Assert.Throws<CodecException>(() => Hello.Decode(bytes[..^1]));
    }

    [Fact]
    public void Signature_binds_both_tls_keys_and_the_chain()
    {
        using var node = KeyPair.Generate();
        using var a = NodeCertificate.Create();
        using var b = NodeCertificate.Create();
        using var relay = NodeCertificate.Create();

        // Sender with certificate a, talking to b: b verifies with (peer = a, own = b).
        var hello = HelloBinding.Create("polis-test", node, a.Spki, b.Spki);
        Assert.True(HelloBinding.Verify(hello, a.Spki, b.Spki));

        // A relay in the middle presents its own certificate to b: the forwarded Hello names a, not the relay.
        Assert.False(HelloBinding.Verify(hello, relay.Spki, b.Spki));
        // ...and the sender saw the relay's certificate, not b's.
        var helloToRelay = HelloBinding.Create("polis-test", node, a.Spki, relay.Spki);
        Assert.False(HelloBinding.Verify(helloToRelay, a.Spki, b.Spki));
        // Swapped roles (a reflected Hello) fail too.
        Assert.False(HelloBinding.Verify(hello, b.Spki, a.Spki));
        // Another chain id in the Hello breaks the signature.
        Assert.False(HelloBinding.Verify(hello with { ChainId = "other-chain" }, a.Spki, b.Spki));
    }

    [Fact]
    public void Certificates_are_fresh_p256_keys()
    {
        using var a = NodeCertificate.Create();
        using var b = NodeCertificate.Create();
        Assert.NotEqual(a.Spki, b.Spki);
        Assert.Equal("1.2.840.10045.2.1", a.Certificate.PublicKey.Oid.Value); // id-ecPublicKey
        Assert.True(a.Certificate.HasPrivateKey);
    }
}
