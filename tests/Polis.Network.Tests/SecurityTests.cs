using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Polis.Core.Crypto;
using Polis.Network.Framing;
using Polis.Network.Tls;
using static Polis.Network.Tests.TestNet;

namespace Polis.Network.Tests;

/// <summary>Attacks on the handshake itself.</summary>
public class SecurityTests
{
    [Fact]
    public async Task A_relay_in_the_middle_forwarding_hellos_is_rejected()
    {
        using var keyA = KeyPair.Generate();
        using var keyB = KeyPair.Generate();
        var handlerA = new RecordingHandler();
        var handlerB = new RecordingHandler();
        await using var b = await StartAsync(Options(keyB), handlerB);

        using var relayListener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        relayListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        relayListener.Listen();
        int relayPort = ((IPEndPoint)relayListener.LocalEndPoint!).Port;
        using var relayToA = NodeCertificate.Create();
        using var relayToB = NodeCertificate.Create();

        // a believes the relay's address is b (and pins b's real key, which the relay cannot forge).
        await using var a = await StartAsync(Options(keyA, peers: new PeerAddress("127.0.0.1", relayPort, keyB.PublicKey)), handlerA);

        using var fromA = await relayListener.AcceptAsync().WaitAsync(Patience);
        await using var sslA = new SslStream(new NetworkStream(fromA, ownsSocket: false));
        await TlsAuthenticator.AuthenticateAsync(sslA, relayToA, asClient: false, CancellationToken.None).WaitAsync(Patience);

        using var toB = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await toB.ConnectAsync(new IPEndPoint(IPAddress.Loopback, b.ListenPort)).WaitAsync(Patience);
        await using var sslB = new SslStream(new NetworkStream(toB, ownsSocket: false));
        await TlsAuthenticator.AuthenticateAsync(sslB, relayToB, asClient: true, CancellationToken.None).WaitAsync(Patience);

        // b speaks first; the relay passes b's genuine Hello on to a unchanged.
        var helloFromB = (await new FrameReader(sslB).ReadAsync(1024, handshake: true, CancellationToken.None).AsTask().WaitAsync(Patience))!.Value;
        var forwarded = new byte[5 + helloFromB.Length];
        BinaryPrimitives.WriteUInt32BigEndian(forwarded, (uint)helloFromB.Length);
        helloFromB.Payload.CopyTo(forwarded.AsSpan(5));
        await sslA.WriteAsync(forwarded).AsTask().WaitAsync(Patience);
        await sslA.FlushAsync().WaitAsync(Patience);

        // b's Hello names the relay's certificate toward b, not the one a sees: a refuses it.
        await WaitUntilAsync(() => a.Metrics.HandshakesFailed >= 1, "a rejects the relayed hello");
        Assert.Empty(a.Peers);
        Assert.Empty(b.Peers);
        Assert.Equal(0, handlerA.Connected);
        Assert.Equal(0, handlerB.Connected);
    }

    [Fact]
    public async Task Pending_inbound_handshakes_are_capped()
    {
        using var key = KeyPair.Generate();
        var options = new P2POptions
        {
            ChainId = ChainId,
            NodeKey = key,
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            HandshakeTimeout = TimeSpan.FromSeconds(5),
            InboundHandshakesMax = 2,
        };
        await using var host = await StartAsync(options, new RecordingHandler());
        await using var silent1 = await RawPeer.ConnectAsync(host.ListenPort);
        await using var silent2 = await RawPeer.ConnectAsync(host.ListenPort);
        await WaitUntilAsync(() => host.Metrics.ConnectionsAccepted == 2, "two pending handshakes");

        await using var third = await RawPeer.ConnectAsync(host.ListenPort);
        Assert.True(await third.ClosedByHostWithinAsync(TimeSpan.FromSeconds(2)), "the third connection was not refused at once");
        Assert.Equal(1, host.Metrics.HandshakesFailed);
        Assert.Equal(1, host.Metrics.HandshakesRefusedFull);
    }
}
