namespace Polis.Network;

/// <summary>
/// Counters of one host, updated with <see cref="Interlocked"/> from every connection's tasks and
/// readable from any thread. Counters only grow, except <see cref="PeersConnected"/> (a gauge).
/// </summary>
public sealed class P2PMetrics
{
    private long _peersConnected;
    private long _connectionsAccepted;
    private long _handshakesFailed;
    private long _dialsFailed;
    private long _framesIn;
    private long _framesOut;
    private long _bytesIn;
    private long _bytesOut;
    private long _sendQueueFull;
    private readonly long[] _disconnects = new long[DisconnectReasons.All.Length];
    private long _refusedByAddress;
    private long _refusedFull;

    /// <summary>Authenticated links currently live.</summary>
    public long PeersConnected => Interlocked.Read(ref _peersConnected);
    /// <summary>Inbound TCP connections accepted (before any handshake).</summary>
    public long ConnectionsAccepted => Interlocked.Read(ref _connectionsAccepted);
    /// <summary>Connections, inbound or dialed, that never became an authenticated link.</summary>
    public long HandshakesFailed => Interlocked.Read(ref _handshakesFailed);
    /// <summary>Dials of persistent peers whose TCP connect failed or timed out.</summary>
    public long DialsFailed => Interlocked.Read(ref _dialsFailed);
    public long FramesIn => Interlocked.Read(ref _framesIn);
    public long FramesOut => Interlocked.Read(ref _framesOut);
    /// <summary>Frame bytes including the 5-byte header (not TLS overhead).</summary>
    public long BytesIn => Interlocked.Read(ref _bytesIn);
    /// <summary>Frame bytes including the 5-byte header (not TLS overhead).</summary>
    public long BytesOut => Interlocked.Read(ref _bytesOut);
    /// <summary><see cref="Peer.Send"/> calls refused because that channel's queue was full.</summary>
    public long SendQueueFull => Interlocked.Read(ref _sendQueueFull);

    /// <summary>Inbound connections closed at accept because their source address held its share of handshake slots.</summary>
    public long HandshakesRefusedByAddress => Interlocked.Read(ref _refusedByAddress);
    /// <summary>Inbound connections closed at accept because every handshake slot was taken.</summary>
    public long HandshakesRefusedFull => Interlocked.Read(ref _refusedFull);

    public long Disconnects(DisconnectReason reason) => Interlocked.Read(ref _disconnects[(int)reason]);

    /// <summary>Every reason with its count, zeros included, so exported series exist from the start.</summary>
    public IEnumerable<(string Reason, long Count)> DisconnectsByReason()
    {
        foreach (var reason in DisconnectReasons.All)
            yield return (reason.Name(), Disconnects(reason));
    }

    internal void PeerUp() => Interlocked.Increment(ref _peersConnected);
    internal void PeerDown() => Interlocked.Decrement(ref _peersConnected);
    internal void ConnectionAccepted() => Interlocked.Increment(ref _connectionsAccepted);
    internal void HandshakeFailed() => Interlocked.Increment(ref _handshakesFailed);
    internal void HandshakeRefused(bool byAddress)
    {
        if (byAddress) Interlocked.Increment(ref _refusedByAddress);
        else Interlocked.Increment(ref _refusedFull);
    }
    internal void DialFailed() => Interlocked.Increment(ref _dialsFailed);
    internal void QueueFull() => Interlocked.Increment(ref _sendQueueFull);
    internal void Disconnected(DisconnectReason reason) => Interlocked.Increment(ref _disconnects[(int)reason]);

    internal void FrameIn(long bytes)
    {
        Interlocked.Increment(ref _framesIn);
        Interlocked.Add(ref _bytesIn, bytes);
    }

    /// <summary>Added per flush, not per frame: the writer batches, so should its counters.</summary>
    internal void FramesWritten(long frames, long bytes)
    {
        Interlocked.Add(ref _framesOut, frames);
        Interlocked.Add(ref _bytesOut, bytes);
    }
}
