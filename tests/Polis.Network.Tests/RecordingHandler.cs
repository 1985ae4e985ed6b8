using System.Collections.Concurrent;
using Polis.Network;

namespace Polis.Network.Tests;

/// <summary>Records everything a host reports, and checks the connect/disconnect pairing per peer.</summary>
internal sealed class RecordingHandler : IPeerMessageHandler
{
    private readonly ConcurrentDictionary<Peer, int> _connects = new();
    private readonly ConcurrentDictionary<Peer, int> _disconnects = new();
    private readonly Lock _eventsLock = new();
    private readonly List<string> _events = [];
    private int _connected;
    private int _disconnected;

    public ConcurrentQueue<(Peer Peer, Channel Channel, byte[] Payload)> Messages { get; } = new();

    /// <summary>Runs on the reader task after the message is recorded; may throw or block.</summary>
    public Action<Peer, Channel, byte[]>? OnMessageHook { get; set; }

    public int Connected => Volatile.Read(ref _connected);
    public int Disconnected => Volatile.Read(ref _disconnected);

    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_eventsLock) return [.. _events];
        }
    }

    public void OnMessage(Peer peer, Channel channel, ReadOnlySpan<byte> payload)
    {
        if (!_connects.ContainsKey(peer)) throw new InvalidOperationException("message before OnPeerConnected");
        if (_disconnects.ContainsKey(peer)) throw new InvalidOperationException("message after OnPeerDisconnected");
        var copy = payload.ToArray();
        Messages.Enqueue((peer, channel, copy));
        OnMessageHook?.Invoke(peer, channel, copy);
    }

    public void OnPeerConnected(Peer peer)
    {
        _connects.AddOrUpdate(peer, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _connected);
        lock (_eventsLock) _events.Add($"connect {peer.Key}");
    }

    public void OnPeerDisconnected(Peer peer)
    {
        _disconnects.AddOrUpdate(peer, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _disconnected);
        lock (_eventsLock) _events.Add($"disconnect {peer.Key}");
    }

    public IEnumerable<byte[]> PayloadsOn(Channel channel) =>
        Messages.Where(m => m.Channel == channel).Select(m => m.Payload);

    /// <summary>Every peer connected at most once and disconnected at most once, never without a connect.</summary>
    public void AssertPairing(bool allClosed)
    {
        Assert.All(_connects.Values, n => Assert.Equal(1, n));
        Assert.All(_disconnects, d =>
        {
            Assert.Equal(1, d.Value);
            Assert.True(_connects.ContainsKey(d.Key), "disconnect without connect");
        });
        if (allClosed) Assert.Equal(_connects.Count, _disconnects.Count);
    }
}
