using System.Buffers.Binary;
using System.Net.Security;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Network.Framing;
using Polis.Network.Tls;

namespace Polis.Network.Handshake;

/// <summary>
/// Authenticates one connection: mutual TLS 1.3, then the Hello exchange. The server speaks
/// first because under TLS 1.3 a client learns that the server rejected its certificate only on
/// its first read; then the client verifies and answers with its own Hello.
/// </summary>
internal sealed class NodeHandshake(string chainId, KeyPair nodeKey, NodeCertificate certificate)
{
    /// <summary>Returns the peer's verified node key; throws on any failure.</summary>
    public async Task<PublicKey> RunAsync(SslStream ssl, FrameReader reader, bool asClient, PublicKey? expectedKey, CancellationToken ct)
    {
        byte[] peerSpki = await TlsAuthenticator.AuthenticateAsync(ssl, certificate, asClient, ct).ConfigureAwait(false);
        var ownHello = HelloBinding.Create(chainId, nodeKey, certificate.Spki, peerSpki);

        if (asClient)
        {
            var key = await ReceiveAsync(reader, peerSpki, expectedKey, ct).ConfigureAwait(false);
            await SendAsync(ssl, ownHello, ct).ConfigureAwait(false);
            return key;
        }
        await SendAsync(ssl, ownHello, ct).ConfigureAwait(false);
        return await ReceiveAsync(reader, peerSpki, expectedKey, ct).ConfigureAwait(false);
    }

    private static async Task SendAsync(SslStream ssl, Hello hello, CancellationToken ct)
    {
        byte[] body = hello.Encode();
        byte[] frame = new byte[FrameFormat.HeaderBytes + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)body.Length);
        frame[4] = Channels.Handshake;
        body.CopyTo(frame, FrameFormat.HeaderBytes);
        await ssl.WriteAsync(frame, ct).ConfigureAwait(false);
        await ssl.FlushAsync(ct).ConfigureAwait(false);
    }

    private async Task<PublicKey> ReceiveAsync(FrameReader reader, byte[] peerSpki, PublicKey? expectedKey, CancellationToken ct)
    {
        InboundFrame? frame;
        try
        {
            frame = await reader.ReadAsync(Hello.BytesMax, handshake: true, ct).ConfigureAwait(false);
        }
        catch (FrameException e)
        {
            throw new HandshakeException($"bad hello frame: {e.Message}");
        }
        if (frame is not { } f) throw new HandshakeException("peer closed the connection before its hello");

        Hello hello;
        try
        {
            hello = Hello.Decode(f.Payload);
        }
        catch (CodecException e)
        {
            throw new HandshakeException($"bad hello: {e.Message}");
        }
        finally
        {
            f.Release();
        }

        if (hello.ChainId != chainId)
            throw new HandshakeException($"peer is on chain '{hello.ChainId}', this node on '{chainId}'");
        if (hello.NodeKey.Equals(nodeKey.PublicKey))
            throw new HandshakeException("connected to this node itself", selfConnection: true);
        if (expectedKey is not null && !hello.NodeKey.Equals(expectedKey))
            throw new HandshakeException($"peer has node key {hello.NodeKey}, expected {expectedKey}");
        if (!HelloBinding.Verify(hello, peerSpki, certificate.Spki))
            throw new HandshakeException($"hello of {hello.NodeKey} is not signed for this TLS session");
        return hello.NodeKey;
    }
}
