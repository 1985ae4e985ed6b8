using Polis.Core.Crypto;
using Polis.Core.Encoding;
using static Polis.Network.Tests.TestNet;

namespace Polis.Network.Tests;

/// <summary>Links that break and must come back, and links that must not be doubled.</summary>
public class ResilienceTests
{
    [Fact]
    public async Task A_handler_rejecting_a_message_drops_the_peer_and_the_persistent_dial_brings_it_back()
    {
        using var keyA = KeyPair.Generate();
        using var keyB = KeyPair.Generate();
        var handlerA = new RecordingHandler();
        var handlerB = new RecordingHandler
        {
            OnMessageHook = (_, _, payload) =>
            {
                if (payload[0] == 0xBA) throw new ProtocolViolationException("not allowed here");
                if (payload[0] == 0xCC) throw new CodecException("cannot decode");
            },
        };
        await using var b = await StartAsync(Options(keyB), handlerB);
        await using var a = await StartAsync(Options(keyA, peers: AddressOf(b)), handlerA);

        var first = await LinkedAsync(a, b);
        Assert.True(first.Send(Channel.Consensus, new byte[] { 0xBA }));
        await WaitUntilAsync(() => b.Metrics.Disconnects(DisconnectReason.Malformed) == 1, "b drops a as malformed");
        await WaitUntilAsync(() => a.Peers.Count == 1 && a.Peers.Single() != first && handlerB.Connected == 2, "a redials b");
        Assert.Equal(DisconnectReason.RemoteClosed, first.DisconnectReason);

        // A CodecException counts the same way, and the link comes back again.
        var second = a.Peers.Single();
        Assert.True(second.Send(Channel.Transactions, new byte[] { 0xCC }));
        await WaitUntilAsync(() => b.Metrics.Disconnects(DisconnectReason.Malformed) == 2, "b drops a again");
        await WaitUntilAsync(() => handlerB.Connected == 3 && a.Peers.Count == 1 && a.Peers.Single() != second, "a redials b again");

        var third = a.Peers.Single();
        Assert.True(third.Send(Channel.Consensus, new byte[] { 1 }));
        await WaitUntilAsync(() => handlerB.Messages.Any(m => m.Payload[0] == 1), "the new link carries messages");
        handlerA.AssertPairing(allClosed: false);
        handlerB.AssertPairing(allClosed: false);
    }

    [Fact]
    public async Task A_restarted_peer_on_the_same_port_and_key_is_reconnected()
    {
        using var keyA = KeyPair.Generate();
        using var keyB = KeyPair.Generate();
        var handlerA = new RecordingHandler();
        var b1 = await StartAsync(Options(keyB), new RecordingHandler());
        int port = b1.ListenPort;
        await using var a = await StartAsync(Options(keyA, peers: AddressOf(b1)), handlerA);
        var first = await LinkedAsync(a, b1);

        await b1.DisposeAsync();
        await WaitUntilAsync(() => a.Peers.Count == 0, "a notices b is gone");

        var handlerB2 = new RecordingHandler();
        await using var b2 = await StartAsync(Options(keyB, port), handlerB2);
        var second = await LinkedAsync(a, b2);
        Assert.NotSame(first, second);
        Assert.True(second.Send(Channel.Sync, new byte[] { 5 }));
        await WaitUntilAsync(() => handlerB2.Messages.Count == 1, "restarted b receives");
        Assert.Equal(2, handlerA.Connected);
        Assert.Equal(1, handlerA.Disconnected);
    }

    [Fact]
    public async Task Hosts_dialing_each_other_end_with_exactly_one_link()
    {
        for (int round = 0; round < 3; round++)
        {
            using var keyA = KeyPair.Generate();
            using var keyB = KeyPair.Generate();
            int portA = FreePort(), portB = FreePort();
            var handlerA = new RecordingHandler();
            var handlerB = new RecordingHandler();
            await using var a = new P2PHost(Options(keyA, portA, new PeerAddress("127.0.0.1", portB, keyB.PublicKey)), handlerA);
            await using var b = new P2PHost(Options(keyB, portB, new PeerAddress("127.0.0.1", portA, keyA.PublicKey)), handlerB);
            await Task.WhenAll(a.StartAsync(), b.StartAsync()).WaitAsync(Patience);

            static bool OneLink(P2PHost x, P2PHost y) =>
                x.Peers.Count == 1 && y.Peers.Count == 1 && x.Peers.Single().Outbound != y.Peers.Single().Outbound;
            await WaitUntilAsync(() => OneLink(a, b), "a single link both agree on");
            await Task.Delay(600); // longer than ReconnectMax: any redial or late duplicate has happened by now
            Assert.True(OneLink(a, b), $"round {round}: not one agreed link after settling");
            Assert.Equal(1, handlerA.Connected - handlerA.Disconnected);
            Assert.Equal(1, handlerB.Connected - handlerB.Disconnected);

            Assert.True(a.Peers.Single().Send(Channel.Consensus, new byte[] { 1 }));
            Assert.True(b.Peers.Single().Send(Channel.Consensus, new byte[] { 2 }));
            await WaitUntilAsync(() => handlerA.Messages.Count == 1 && handlerB.Messages.Count == 1, "the link carries both ways");
            handlerA.AssertPairing(allClosed: false);
            handlerB.AssertPairing(allClosed: false);
        }
    }

    [Fact]
    public async Task An_inbound_link_counts_as_connected_for_the_persistent_dialer()
    {
        using var keyA = KeyPair.Generate();
        using var keyB = KeyPair.Generate();
        int portA = FreePort();
        var handlerB = new RecordingHandler();
        // b dials a, which is not up yet, and then waits a fixed second before its next try.
        await using var b = await StartAsync(new P2POptions
        {
            ChainId = ChainId,
            NodeKey = keyB,
            Listen = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0),
            PersistentPeers = [new PeerAddress("127.0.0.1", portA, keyA.PublicKey)],
            ReconnectMin = TimeSpan.FromSeconds(1),
            ReconnectMax = TimeSpan.FromSeconds(1),
        }, handlerB);
        await WaitUntilAsync(() => b.Metrics.DialsFailed == 1, "b's first dial fails");

        // a comes up and dials b first: b's link to a is inbound.
        await using var a = await StartAsync(Options(keyA, portA, AddressOf(b)), new RecordingHandler());
        var aAtB = await OnlyPeerAsync(b, "a's dial reaches b");
        Assert.False(aAtB.Outbound);

        await Task.Delay(1500); // past b's next dial time
        Assert.Equal(0, a.Metrics.ConnectionsAccepted); // b never dialed a while linked
        Assert.Equal(1, b.Metrics.DialsFailed);
        Assert.Same(aAtB, b.Peers.Single());
        Assert.Equal(1, handlerB.Connected);
    }
}
