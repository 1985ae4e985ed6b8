using System.Net;
using System.Net.Sockets;
using Polis.Core.Crypto;
using Polis.Network;

namespace Polis.Network.Tests;

/// <summary>Hosts on 127.0.0.1 with short timeouts, and time-bounded waiting.</summary>
internal static class TestNet
{
    public const string ChainId = "polis-test";

    /// <summary>Upper bound for any single wait in a test; tests never hang past it.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    public static P2POptions Options(KeyPair key, int port = 0, params PeerAddress[] peers) => new()
    {
        ChainId = ChainId,
        NodeKey = key,
        Listen = new IPEndPoint(IPAddress.Loopback, port),
        PersistentPeers = peers,
        // Generous: the test machine may be loaded, and a timed-out handshake looks like a flaky link.
        // Tests about the timeout itself set a short one.
        HandshakeTimeout = TimeSpan.FromSeconds(3),
        ReconnectMin = TimeSpan.FromMilliseconds(50),
        ReconnectMax = TimeSpan.FromMilliseconds(400),
    };

    public static async Task<P2PHost> StartAsync(P2POptions options, IPeerMessageHandler handler)
    {
        var host = new P2PHost(options, handler);
        await host.StartAsync().WaitAsync(Patience);
        return host;
    }

    public static PeerAddress AddressOf(P2PHost host, bool pinned = true) =>
        new("127.0.0.1", host.ListenPort, pinned ? host.NodeId : null);

    /// <summary>A port free right now (bind to 0, read, release): for hosts that must know each other's port up front.</summary>
    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Patience);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting until {what}");
            await Task.Delay(10);
        }
    }

    /// <summary>The single peer of <paramref name="host"/>, once it has exactly one.</summary>
    public static async Task<Peer> OnlyPeerAsync(P2PHost host, string what)
    {
        await WaitUntilAsync(() => host.Peers.Count == 1, what);
        return host.Peers.Single();
    }

    /// <summary>
    /// The dialer's link to the listener, once both sides have admitted it. The dialer counts a link
    /// as up as soon as it has sent its Hello; frames sent before the listener has checked that
    /// Hello would be lost if the listener then refused it, so tests wait for both.
    /// </summary>
    public static async Task<Peer> LinkedAsync(P2PHost dialer, P2PHost listener)
    {
        Peer? link = null;
        await WaitUntilAsync(() =>
        {
            link = dialer.Peers.SingleOrDefault(p => p.Key.Equals(listener.NodeId));
            var back = listener.Peers.SingleOrDefault(p => p.Key.Equals(dialer.NodeId));
            return link is { IsConnected: true } && back is { IsConnected: true } && link.Outbound != back.Outbound;
        }, "both hosts have admitted the link");
        return link!;
    }

    public static byte[] Seq(int channelTag, int n) => [(byte)channelTag, (byte)(n >> 24), (byte)(n >> 16), (byte)(n >> 8), (byte)n];

    public static int SeqOf(byte[] payload) => (payload[1] << 24) | (payload[2] << 16) | (payload[3] << 8) | payload[4];
}
