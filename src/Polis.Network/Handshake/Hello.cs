using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Network.Handshake;

/// <summary>
/// The first message each side sends inside TLS: who I am (node key), which chain, and a signature
/// by that key binding it to this TLS session (see <see cref="HelloBinding"/>).
/// Layout: "PLSP" magic, u16 version, chain id (u16-length UTF-8), 32-byte key, 64-byte signature.
/// </summary>
internal sealed record Hello(string ChainId, PublicKey NodeKey, Signature Signature)
{
    public const ushort Version = 1;

    /// <summary>Bounds the handshake frame; the real size is about 160 bytes.</summary>
    public const int BytesMax = 512;

    private static ReadOnlySpan<byte> Magic => "PLSP"u8;

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(BytesMax);
        writer.WriteRaw(Magic);
        writer.WriteU16(Version);
        writer.WriteString(ChainId);
        writer.WritePublicKey(NodeKey);
        writer.WriteSignature(Signature);
        return writer.ToArray();
    }

    /// <summary>Throws <see cref="CodecException"/> for anything but one well-formed version-1 Hello.</summary>
    public static Hello Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new CanonicalReader(bytes);
        for (int i = 0; i < Magic.Length; i++)
            if (reader.ReadU8("magic") != Magic[i]) throw new CodecException("not a Polis p2p hello");
        ushort version = reader.ReadU16("version");
        if (version != Version) throw new CodecException($"p2p protocol version {version}, this node speaks {Version}");
        string chainId = reader.ReadString(Limits.ChainIdBytesMax, "chain id");
        var key = reader.ReadPublicKey("node key");
        var signature = reader.ReadSignature("hello signature");
        reader.End("hello");
        return new Hello(chainId, key, signature);
    }
}
