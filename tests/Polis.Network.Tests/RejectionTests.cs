using System.Buffers.Binary;
using System.Diagnostics;
using Polis.Core.Crypto;
using static Polis.Network.Tests.TestNet;

namespace Polis.Network.Tests;

/// <summary>Peers that must not get a link, and links that must be cut.</summary>
public class RejectionTests
{
    private static byte[] Frame(byte channel, int length)
    {
        var frame = new byte[5 + length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)length);
        frame[4] = channel;
        return frame;
    }

    [Fact]
    public async Task A_dialed_peer_whose_key_differs_from_the_expected_key_is_rejected()
    {
        using var keyA = KeyPair.Generate();
        using var keyB = KeyPair.Generate();
        using var impostor = KeyPair.Generate();
        var handlerA = new RecordingHandler();
        var handlerB = new RecordingHandler();
        await using var b = await StartAsync(Options(keyB), handlerB);
        var wrongPin = new PeerAddress("127.0.0.1", b.ListenPort, impostor.PublicKey);
        await using var a = await StartAsync(Options(keyA, peers: wrongPin), handlerA);

        // Several attempts, each refused by a, so each also fails at b (a hangs up before its Hello).
        await WaitUntilAsync(() => a.Metrics.HandshakesFailed >= 2 && b.Metrics.HandshakesFailed >= 2, "both sides count failed handshakes");
        Assert.Empty(a.Peers);
        Assert.Empty(b.Peers);
        Assert.Equal(0, handlerA.Connected);
        Assert.Equal(0, handlerB.Connected);
        Assert.True(a.Metrics.Disconnects(DisconnectReason.Unauthenticated) >= 2);
    }

    [Fact]
    public async Task A_peer_on_another_chain_is_rejected()
    {
        using var keyA = KeyPair.Generate();
        using var keyB = KeyPair.Generate();
        var handlerA = new RecordingHandler();
        var handlerB = new RecordingHandler();
        await using var b = await StartAsync(Options(keyB), handlerB);
        var otherChain = new P2POptions
        {
            ChainId = "other-chain",
            NodeKey = keyA,
            Listen = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0),
            PersistentPeers = [AddressOf(b)],
            HandshakeTimeout = TimeSpan.FromSeconds(1),
            ReconnectMin = TimeSpan.FromMilliseconds(50),
            ReconnectMax = TimeSpan.FromMilliseconds(400),
        };
        await using var a = await StartAsync(otherChain, handlerA);

        await WaitUntilAsync(() => a.Metrics.HandshakesFailed >= 2 && b.Metrics.HandshakesFailed >= 2, "both sides count failed handshakes");
        Assert.Empty(a.Peers);
        Assert.Empty(b.Peers);
        Assert.Equal(0, handlerA.Connected + handlerB.Connected);
    }

    [Fact]
    public async Task Dialing_itself_is_refused_once_and_not_retried()
    {
        using var key = KeyPair.Generate();
        int port = FreePort();
        var handler = new RecordingHandler();
        await using var host = await StartAsync(Options(key, port, new PeerAddress("127.0.0.1", port, null)), handler);

        await WaitUntilAsync(() => host.Metrics.HandshakesFailed == 2, "both ends of the self-connection fail");
        await Task.Delay(500); // ten ReconnectMin periods: a retrying dialer would have failed again by now
        Assert.Equal(2, host.Metrics.HandshakesFailed);
        Assert.Equal(0, handler.Connected);
    }

    [Fact]
    public async Task Garbage_on_the_port_is_dropped_within_the_timeout_and_honest_peers_carry_on()
    {
        using var keyA = KeyPair.Generate();
        using var keyB = KeyPair.Generate();
        var handlerB = new RecordingHandler();
        await using var b = await StartAsync(new P2POptions
        {
            ChainId = ChainId,
            NodeKey = keyB,
            Listen = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0),
            HandshakeTimeout = TimeSpan.FromSeconds(1),
        }, handlerB);
        var limit = TimeSpan.FromSeconds(4); // HandshakeTimeout is 1 s; the rest is slack for a loaded machine

        // Random bytes.
        await using (var raw = await RawPeer.ConnectAsync(b.ListenPort))
        {
            await raw.WriteAsync(System.Security.Cryptography.RandomNumberGenerator.GetBytes(1000));
            Assert.True(await raw.ClosedByHostWithinAsync(limit), "random bytes: still open");
        }
        // A plain TCP client speaking our framing without TLS, with an absurd length.
        await using (var raw = await RawPeer.ConnectAsync(b.ListenPort))
        {
            await raw.WriteAsync([0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3]);
            Assert.True(await raw.ClosedByHostWithinAsync(limit), "plain frame: still open");
        }
        // A client that connects and says nothing.
        await using (var raw = await RawPeer.ConnectAsync(b.ListenPort))
        {
            var clock = Stopwatch.StartNew();
            Assert.True(await raw.ClosedByHostWithinAsync(limit), "silent client: still open");
            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.8), $"closed after {clock.Elapsed}, before the timeout");
        }
        // A TLS client that never sends its Hello.
        await using (var raw = await RawPeer.ConnectAsync(b.ListenPort))
        {
            await raw.StartTlsAsync();
            Assert.True(await raw.ClosedByHostWithinAsync(limit), "TLS without Hello: still open");
        }
        // The socket closes a moment before the failure is counted.
        await WaitUntilAsync(() => b.Metrics.HandshakesFailed == 4, "four failed handshakes are counted");
        Assert.Equal(4, b.Metrics.ConnectionsAccepted);
        Assert.Equal(4, b.Metrics.Disconnects(DisconnectReason.Unauthenticated));
        Assert.Equal(0, handlerB.Connected);

        // The host still serves honest peers.
        await using var a = await StartAsync(Options(keyA, peers: AddressOf(b)), new RecordingHandler());
        var peer = await LinkedAsync(a, b);
        Assert.True(peer.Send(Channel.Consensus, new byte[] { 7 }));
        await WaitUntilAsync(() => handlerB.Messages.Count == 1, "b receives a's message");
    }

    [Fact]
    public async Task An_authenticated_peer_sending_an_oversized_frame_is_disconnected_as_oversized()
    {
        using var keyA = KeyPair.Generate();
        using var keyB = KeyPair.Generate();
        var handlerB = new RecordingHandler();
        var strict = new P2POptions
        {
            ChainId = ChainId,
            NodeKey = keyB,
            Listen = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0),
            FrameBytesMax = 1024,
        };
        await using var b = await StartAsync(strict, handlerB);
        // The sender allows bigger frames than the receiver: exactly the honest-looking peer b must guard against.
        await using var a = await StartAsync(Options(keyA, peers: AddressOf(b)), new RecordingHandler());
        var peer = await LinkedAsync(a, b);
        await WaitUntilAsync(() => handlerB.Connected == 1, "b reports the link");

        Assert.True(peer.Send(Channel.Sync, new byte[1024])); // at the limit: fine
        Assert.True(peer.Send(Channel.Sync, new byte[1025]));
        await WaitUntilAsync(() => b.Metrics.Disconnects(DisconnectReason.Oversized) == 1, "b drops a as oversized");
        Assert.Single(handlerB.Messages);
        await WaitUntilAsync(() => handlerB.Disconnected >= 1, "b reports the disconnect");
        handlerB.AssertPairing(allClosed: false);
    }

    [Fact]
    public async Task An_authenticated_peer_sending_an_unknown_channel_is_disconnected_as_malformed()
    {
        using var keyB = KeyPair.Generate();
        using var keyRaw = KeyPair.Generate();
        var handlerB = new RecordingHandler();
        await using var b = await StartAsync(Options(keyB), handlerB);
        await using var raw = await RawPeer.ConnectAsync(b.ListenPort);
        Assert.Equal(keyB.PublicKey, await raw.HandshakeAsync(keyRaw));
        await WaitUntilAsync(() => handlerB.Connected == 1, "b admits the raw peer");

        await raw.WriteAsync([.. Frame(1, 2), .. Frame(9, 1)]);
        Assert.True(await raw.ClosedByHostWithinAsync(TimeSpan.FromSeconds(5)));
        await WaitUntilAsync(() => handlerB.Disconnected == 1, "b reports the disconnect");
        Assert.Equal(1, b.Metrics.Disconnects(DisconnectReason.Malformed));
        Assert.Single(handlerB.Messages); // the valid frame before it was delivered
    }

    [Fact]
    public async Task A_peer_closing_in_the_middle_of_a_frame_is_an_io_disconnect()
    {
        using var keyB = KeyPair.Generate();
        using var keyRaw = KeyPair.Generate();
        var handlerB = new RecordingHandler();
        await using var b = await StartAsync(Options(keyB), handlerB);
        var raw = await RawPeer.ConnectAsync(b.ListenPort);
        await raw.HandshakeAsync(keyRaw);
        await WaitUntilAsync(() => handlerB.Connected == 1, "b admits the raw peer");

        await raw.WriteAsync(Frame(1, 100)[..50]);
        await raw.DisposeAsync();
        await WaitUntilAsync(() => handlerB.Disconnected == 1, "b reports the disconnect");
        Assert.Equal(1, b.Metrics.Disconnects(DisconnectReason.Io));
    }
}
