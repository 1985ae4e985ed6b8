using System.Diagnostics;
using Polis.Core.Crypto;
using static Polis.Network.Tests.TestNet;

namespace Polis.Network.Tests;

/// <summary>A slow receiver must push back on the sender without ever blocking it.</summary>
public class BackpressureTests
{
    [Fact]
    public async Task Send_returns_false_once_a_blocked_peer_fills_the_channel_queue()
    {
        using var keyA = KeyPair.Generate();
        using var keyB = KeyPair.Generate();
        using var gate = new ManualResetEventSlim(false);
        var handlerB = new RecordingHandler { OnMessageHook = (_, _, _) => gate.Wait(Patience) };
        await using var b = await StartAsync(Options(keyB), handlerB);
        await using var a = await StartAsync(new P2POptions
        {
            ChainId = ChainId,
            NodeKey = keyA,
            Listen = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0),
            PersistentPeers = [AddressOf(b)],
            SendQueueFramesMax = 8,
        }, new RecordingHandler());
        var peer = await LinkedAsync(a, b);

        try
        {
            var payload = new byte[64 * 1024];
            int sent = 0;
            bool refused = false;
            var clock = Stopwatch.StartNew();
            // Paced sends: with a reading peer the writer would keep up; only the blocked handler
            // (then full TCP buffers, then the full queue) makes Send refuse.
            while (clock.Elapsed < TimeSpan.FromSeconds(15))
            {
                var call = Stopwatch.StartNew();
                bool ok = peer.Send(Channel.Transactions, payload);
                // A blocking Send would wait until the peer reads again; a second allows for a loaded machine's pauses.
                Assert.True(call.Elapsed < TimeSpan.FromSeconds(1), "Send blocked");
                if (!ok)
                {
                    refused = true;
                    break;
                }
                sent++;
                if (sent % 4 == 0) await Task.Delay(1);
            }
            Assert.True(refused, $"Send never refused after {sent} frames");
            Assert.True(a.Metrics.SendQueueFull >= 1);
            Assert.Equal(8, peer.QueuedFrames(Channel.Transactions));
            // Queues are per channel: consensus still gets through the full transaction queue.
            Assert.True(peer.Send(Channel.Consensus, new byte[] { 1 }));

            gate.Set();
            await WaitUntilAsync(() => handlerB.Messages.Count == sent + 1, "every accepted frame arrives once the peer reads again");
            Assert.True(peer.Send(Channel.Transactions, payload));
        }
        finally
        {
            gate.Set();
        }
    }

    [Fact]
    public async Task Dispose_returns_in_time_even_while_a_handler_is_stuck()
    {
        using var keyA = KeyPair.Generate();
        using var keyB = KeyPair.Generate();
        using var gate = new ManualResetEventSlim(false);
        var handlerB = new RecordingHandler { OnMessageHook = (_, _, _) => gate.Wait(Patience) };
        var b = await StartAsync(Options(keyB), handlerB);
        await using var a = await StartAsync(Options(keyA, peers: AddressOf(b)), new RecordingHandler());
        var peer = await LinkedAsync(a, b);
        try
        {
            Assert.True(peer.Send(Channel.Consensus, new byte[] { 1 }));
            await WaitUntilAsync(() => handlerB.Messages.Count == 1, "b's handler is entered (and stuck)");
            var clock = Stopwatch.StartNew();
            await b.DisposeAsync().AsTask().WaitAsync(Patience);
            // 1.5 s waiting for links to close, 0.5 s after pulling the sockets, plus slack for a loaded machine.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3.5), $"dispose took {clock.Elapsed}");
        }
        finally
        {
            gate.Set();
        }
    }

    [Fact]
    public async Task Send_after_disconnect_returns_false()
    {
        using var keyA = KeyPair.Generate();
        using var keyB = KeyPair.Generate();
        await using var b = await StartAsync(Options(keyB), new RecordingHandler());
        await using var a = await StartAsync(Options(keyA, peers: AddressOf(b)), new RecordingHandler());
        var peer = await LinkedAsync(a, b);
        peer.Disconnect();
        Assert.False(peer.IsConnected);
        Assert.False(peer.Send(Channel.Consensus, new byte[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => peer.Send((Channel)9, new byte[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => peer.Send(Channel.Sync, new byte[8 * 1024 * 1024 + 1]));
    }
}
