using System.Diagnostics;
using Polis.Core.Crypto;
using static Polis.Network.Tests.TestNet;

namespace Polis.Network.Tests;

/// <summary>Two honest hosts: connecting, carrying messages, closing.</summary>
public class LinkTests
{
    private static readonly Channel[] AllChannels = [Channel.Consensus, Channel.Transactions, Channel.Sync];

    [Fact]
    public async Task Two_hosts_connect_through_a_persistent_peer_and_exchange_on_all_channels_in_order()
    {
        using var keyA = KeyPair.Generate();
        using var keyB = KeyPair.Generate();
        var handlerA = new RecordingHandler();
        var handlerB = new RecordingHandler();
        await using var b = await StartAsync(Options(keyB), handlerB);
        await using var a = await StartAsync(Options(keyA, peers: AddressOf(b)), handlerA);

        var bAtA = await OnlyPeerAsync(a, "a is linked to b");
        var aAtB = await OnlyPeerAsync(b, "b is linked to a");
        Assert.Equal(keyB.PublicKey, bAtA.Key);
        Assert.Equal(keyA.PublicKey, aAtB.Key);
        Assert.True(bAtA.Outbound);
        Assert.False(aAtB.Outbound);
        Assert.Equal(b.ListenPort, ((System.Net.IPEndPoint)bAtA.RemoteEndPoint!).Port);

        const int perChannel = 200;
        for (int i = 0; i < perChannel; i++)
        {
            foreach (var channel in AllChannels)
            {
                Assert.True(bAtA.Send(channel, Seq((int)channel, i)));
                Assert.True(aAtB.Send(channel, Seq((int)channel, i)));
            }
        }

        await WaitUntilAsync(() => handlerA.Messages.Count == 3 * perChannel && handlerB.Messages.Count == 3 * perChannel, "all messages arrive");
        foreach (var handler in new[] { handlerA, handlerB })
        {
            foreach (var channel in AllChannels)
            {
                var payloads = handler.PayloadsOn(channel).ToList();
                Assert.All(payloads, p => Assert.Equal((byte)channel, p[0]));
                Assert.Equal(Enumerable.Range(0, perChannel), payloads.Select(SeqOf));
            }
        }
        Assert.Equal(1, a.Metrics.PeersConnected);
        Assert.Equal(3 * perChannel, b.Metrics.FramesIn);
        Assert.Equal(3 * perChannel * (5 + 5), b.Metrics.BytesIn);
        await WaitUntilAsync(() => a.Metrics.FramesOut == 3 * perChannel, "a's writer reports its frames");
        Assert.Equal(1, handlerA.Connected);
        Assert.Equal(1, handlerB.Connected);
    }

    [Fact]
    public async Task Ten_thousand_small_messages_arrive_complete_and_in_order()
    {
        using var keyA = KeyPair.Generate();
        using var keyB = KeyPair.Generate();
        var handlerB = new RecordingHandler();
        await using var b = await StartAsync(Options(keyB), handlerB);
        await using var a = await StartAsync(new P2POptions
        {
            ChainId = ChainId,
            NodeKey = keyA,
            Listen = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0),
            PersistentPeers = [AddressOf(b)],
            SendQueueFramesMax = 10_000,
        }, new RecordingHandler());
        var peer = await LinkedAsync(a, b);

        const int count = 10_000;
        for (int i = 0; i < count; i++) Assert.True(peer.Send(Channel.Transactions, Seq(9, i)));

        await WaitUntilAsync(() => handlerB.Messages.Count == count, "10,000 messages arrive");
        Assert.Equal(Enumerable.Range(0, count), handlerB.Messages.Select(m => SeqOf(m.Payload)));
        Assert.All(handlerB.Messages, m => Assert.Equal(Channel.Transactions, m.Channel));
    }

    [Fact]
    public async Task Broadcast_reaches_every_peer_but_the_excepted_one()
    {
        using var hubKey = KeyPair.Generate();
        var hubHandler = new RecordingHandler();
        await using var hub = await StartAsync(Options(hubKey), hubHandler);
        var handlers = Enumerable.Range(0, 3).Select(_ => new RecordingHandler()).ToArray();
        var keys = Enumerable.Range(0, 3).Select(_ => KeyPair.Generate()).ToArray();
        var spokes = new List<P2PHost>();
        try
        {
            for (int i = 0; i < 3; i++) spokes.Add(await StartAsync(Options(keys[i], peers: AddressOf(hub)), handlers[i]));
            await WaitUntilAsync(() => hub.Peers.Count == 3, "hub has three peers");
            var excepted = hub.Peers.Single(p => p.Key.Equals(keys[0].PublicKey));

            Assert.Equal(2, hub.Broadcast(Channel.Consensus, new byte[] { 42 }, except: excepted));
            await WaitUntilAsync(() => handlers[1].Messages.Count == 1 && handlers[2].Messages.Count == 1, "spokes 1 and 2 receive");
            await Task.Delay(100);
            Assert.Empty(handlers[0].Messages);
            Assert.Equal(3, hub.Broadcast(Channel.Consensus, new byte[] { 43 }));
        }
        finally
        {
            foreach (var spoke in spokes) await spoke.DisposeAsync();
            foreach (var key in keys) key.Dispose();
        }
    }

    [Fact]
    public async Task Dispose_closes_links_cleanly_and_reports_each_disconnect_once()
    {
        using var keyA = KeyPair.Generate();
        using var keyB = KeyPair.Generate();
        var handlerA = new RecordingHandler();
        var handlerB = new RecordingHandler();
        await using var b = await StartAsync(Options(keyB), handlerB);
        var a = await StartAsync(Options(keyA, peers: AddressOf(b)), handlerA);
        var bAtA = await OnlyPeerAsync(a, "a is linked to b");
        await OnlyPeerAsync(b, "b is linked to a");

        var clock = Stopwatch.StartNew();
        await a.DisposeAsync().AsTask().WaitAsync(Patience);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"dispose took {clock.Elapsed}");
        await a.DisposeAsync(); // idempotent

        Assert.Equal(1, handlerA.Disconnected);
        Assert.Equal(DisconnectReason.Local, bAtA.DisconnectReason);
        Assert.False(bAtA.Send(Channel.Consensus, new byte[1]));
        Assert.Empty(a.Peers);
        Assert.Equal(0, a.Metrics.PeersConnected);
        Assert.Equal(1, a.Metrics.Disconnects(DisconnectReason.Local));

        // b sees an orderly close, not an IO error.
        await WaitUntilAsync(() => handlerB.Disconnected == 1, "b sees the disconnect");
        Assert.Equal(1, b.Metrics.Disconnects(DisconnectReason.RemoteClosed));
        handlerA.AssertPairing(allClosed: true);
        handlerB.AssertPairing(allClosed: true);
    }

    [Fact]
    public async Task Disconnect_from_inside_the_handler_stops_delivery_at_once()
    {
        using var keyB = KeyPair.Generate();
        using var keyRaw = KeyPair.Generate();
        var handlerB = new RecordingHandler { OnMessageHook = (peer, _, _) => peer.Disconnect() };
        await using var b = await StartAsync(Options(keyB), handlerB);
        await using var raw = await RawPeer.ConnectAsync(b.ListenPort);
        await raw.HandshakeAsync(keyRaw);

        // Fifty frames in one TLS record arrive in one read and sit in b's buffer: only the first may be delivered.
        var frames = Enumerable.Range(0, 50).SelectMany(i => (byte[])[0, 0, 0, 5, (byte)Channel.Consensus, .. Seq(1, i)]).ToArray();
        await raw.WriteAsync(frames);
        Assert.True(await raw.ClosedByHostWithinAsync(TimeSpan.FromSeconds(5)));
        await WaitUntilAsync(() => handlerB.Disconnected == 1, "b reports the disconnect");
        var delivered = Assert.Single(handlerB.Messages);
        Assert.Equal(0, SeqOf(delivered.Payload));
        Assert.Equal(1, b.Metrics.Disconnects(DisconnectReason.Local));
    }

    [Fact]
    public async Task Metrics_list_every_disconnect_reason()
    {
        using var key = KeyPair.Generate();
        await using var host = new P2PHost(Options(key), new RecordingHandler());
        var reasons = host.Metrics.DisconnectsByReason().Select(r => r.Reason).ToList();
        Assert.Equal(["malformed", "oversized", "unauthenticated", "io", "duplicate", "remote_closed", "local", "handler_error", "peer_limit"], reasons);
        Assert.Throws<InvalidOperationException>(() => host.ListenPort);
    }

    [Fact]
    public void Options_are_checked()
    {
        using var key = KeyPair.Generate();
        Assert.Throws<ArgumentException>(() => new P2PHost(new P2POptions
        {
            ChainId = "Bad Chain",
            NodeKey = key,
            Listen = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0),
        }, new RecordingHandler()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new P2PHost(new P2POptions
        {
            ChainId = ChainId,
            NodeKey = key,
            Listen = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0),
            ReconnectMin = TimeSpan.FromSeconds(2),
            ReconnectMax = TimeSpan.FromSeconds(1),
        }, new RecordingHandler()));
    }
}
