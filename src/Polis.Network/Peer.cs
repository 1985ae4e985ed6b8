using System.Net;
using Polis.Core.Crypto;
using Polis.Network.Sending;

namespace Polis.Network;

/// <summary>
/// One authenticated link to another node. <see cref="Send"/> is safe from any thread and never
/// blocks. A <see cref="Peer"/> object is one connection: after a disconnect and reconnect the same
/// node is a new <see cref="Peer"/> with the same <see cref="Key"/>.
/// </summary>
public sealed class Peer
{
    private const int Open = -1;

    private readonly P2PMetrics _metrics;
    private readonly int _frameBytesMax;
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _reason = Open;

    internal Peer(PublicKey key, bool outbound, EndPoint? remoteEndPoint, int frameBytesMax, int queueFramesMax, P2PMetrics metrics, long queueBytesMax = long.MaxValue)
    {
        Key = key;
        Outbound = outbound;
        RemoteEndPoint = remoteEndPoint;
        _frameBytesMax = frameBytesMax;
        _metrics = metrics;
        Queues = new SendQueues(queueFramesMax, queueBytesMax);
        ConnectedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>The node's Ed25519 key, proven in the handshake.</summary>
    public PublicKey Key { get; }

    /// <summary>True when this host dialed the link.</summary>
    public bool Outbound { get; }

    public EndPoint? RemoteEndPoint { get; }

    public DateTimeOffset ConnectedAt { get; }

    public bool IsConnected => Volatile.Read(ref _reason) == Open;

    /// <summary>Why the link closed, or null while it is open.</summary>
    public DisconnectReason? DisconnectReason
    {
        get
        {
            int reason = Volatile.Read(ref _reason);
            return reason == Open ? null : (DisconnectReason)reason;
        }
    }

    /// <summary>
    /// Queues one frame. Returns false, without blocking, when that channel's queue is full or the
    /// link is closed: the caller decides whether to drop, retry later or disconnect. The payload is
    /// queued by reference, not copied: do not change it afterwards.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Unknown channel, or a payload over <see cref="P2POptions.FrameBytesMax"/> (the peer would drop the link).</exception>
    public bool Send(Channel channel, ReadOnlyMemory<byte> payload)
    {
        if (!Channels.IsDefined((byte)channel)) throw new ArgumentOutOfRangeException(nameof(channel), channel, "unknown channel");
        if (payload.Length > _frameBytesMax)
            throw new ArgumentOutOfRangeException(nameof(payload), payload.Length, $"payload exceeds FrameBytesMax ({_frameBytesMax})");
        if (!IsConnected) return false;
        if (Queues.TryEnqueue(channel, payload)) return true;
        _metrics.QueueFull();
        return false;
    }

    /// <summary>Frames waiting in this channel's queue.</summary>
    public int QueuedFrames(Channel channel) => Queues.Count(channel);

    /// <summary>Bytes waiting in this channel's queue.</summary>
    public long QueuedBytes(Channel channel) => Queues.Bytes(channel);

    /// <summary>Closes the link (reason <see cref="Network.DisconnectReason.Local"/>); returns at once.</summary>
    public void Disconnect() => Close(Network.DisconnectReason.Local);

    /// <summary>
    /// Closes the link for what the peer sent, found after its reader moved on (work handed to
    /// another thread); on the reader itself, throw <see cref="ProtocolViolationException"/> instead.
    /// </summary>
    public void DisconnectForViolation() => Close(Network.DisconnectReason.Malformed);

    public override string ToString() =>
        $"{Key.ToString()[..16]} ({(Outbound ? "out" : "in")} {RemoteEndPoint?.ToString() ?? "?"})";

    internal SendQueues Queues { get; }

    /// <summary>Cancelled when the link starts closing; the reader and writer stop on it.</summary>
    internal CancellationToken Closing => _closing.Token;

    /// <summary>Completes after <see cref="IPeerMessageHandler.OnPeerDisconnected"/> has returned.</summary>
    internal Task Finished => _finished.Task;

    /// <summary>Starts closing; the first reason wins. Returns whether this call set it.</summary>
    internal bool Close(DisconnectReason reason)
    {
        if (Interlocked.CompareExchange(ref _reason, (int)reason, Open) != Open) return false;
        try
        {
            _closing.Cancel();
        }
        catch (AggregateException)
        {
            // A cancellation callback failed (e.g. a socket already torn down); the link closes anyway.
        }
        return true;
    }

    internal void MarkFinished() => _finished.TrySetResult();
}
