using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Polis.Core.Crypto;
using Polis.Network.Framing;
using Polis.Network.Handshake;

namespace Polis.Network.Hosting;

/// <summary>
/// Owns one TCP connection from handshake to close: authenticates it, admits it as a link (or
/// refuses it as a duplicate), runs its reader and writer, and reports connect and disconnect to
/// the handler exactly once each. Nothing thrown here escapes to the host.
/// </summary>
internal sealed class ConnectionRunner(HostContext host)
{
    /// <summary>How long a locally closed link may take to say TLS close_notify before the socket goes.</summary>
    private static readonly TimeSpan GracefulCloseTimeout = TimeSpan.FromMilliseconds(300);

    /// <summary>How long a closing link may take to wind down before its socket is pulled.</summary>
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(1);

    /// <summary>Runs the connection to its end. <paramref name="handshakeDone"/> is called once when
    /// the handshake ends, either way (it frees an inbound handshake slot).</summary>
    public async Task<ConnectionOutcome> RunAsync(Socket socket, bool outbound, PublicKey? expectedKey, Action? handshakeDone = null)
    {
        host.Sockets.TryAdd(socket, 0);
        EndPoint? remote = TryRemoteEndPoint(socket);
        SslStream? ssl = null;
        try
        {
            FrameReader reader;
            PublicKey key;
            try
            {
                // Inside the handshake's try: a socket reset right after accept fails here, and
                // is counted like any other failed handshake.
                SocketTuning.Configure(socket);
                ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
                reader = new FrameReader(ssl);
                key = await AuthenticateAsync(socket, ssl, reader, outbound, expectedKey).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                if (host.Shutdown.IsCancellationRequested) return ConnectionOutcome.Failed;
                host.Metrics.HandshakeFailed();
                host.Metrics.Disconnected(DisconnectReason.Unauthenticated);
                host.Log($"p2p handshake with {remote} failed: {Describe(e)}");
                return ConnectionOutcome.Failed with { SelfConnection = e is HandshakeException { SelfConnection: true } };
            }
            finally
            {
                handshakeDone?.Invoke();
            }
            return await RunLinkAsync(socket, ssl, reader, key, outbound, remote).ConfigureAwait(false);
        }
        finally
        {
            if (ssl is not null) await ssl.DisposeAsync().ConfigureAwait(false);
            socket.Dispose();
            host.Sockets.TryRemove(socket, out _);
        }
    }

    private async Task<PublicKey> AuthenticateAsync(Socket socket, SslStream ssl, FrameReader reader, bool outbound, PublicKey? expectedKey)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(host.Shutdown);
        deadline.CancelAfter(host.Options.HandshakeTimeout);
        PublicKey key;
        // SslStream observes the token, but closing the socket is what guarantees that a peer that
        // sends nothing (or trickles bytes) cannot hold the connection past the deadline.
        using (deadline.Token.Register(static s => ((Socket)s!).Dispose(), socket))
        {
            try
            {
                key = await host.Handshake.RunAsync(ssl, reader, outbound, expectedKey, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not HandshakeException && deadline.IsCancellationRequested)
            {
                throw new HandshakeException($"not done within {host.Options.HandshakeTimeout.TotalSeconds:0.###} s");
            }
        }
        // Disposing the registration waited for a running callback: if the deadline fired at the
        // last moment the socket may be gone, so treat the handshake as failed.
        if (deadline.IsCancellationRequested)
            throw new HandshakeException($"not done within {host.Options.HandshakeTimeout.TotalSeconds:0.###} s");
        return key;
    }

    private async Task<ConnectionOutcome> RunLinkAsync(Socket socket, SslStream ssl, FrameReader reader, PublicKey key, bool outbound, EndPoint? remote)
    {
        var options = host.Options;
        var peer = new Peer(key, outbound, remote, options.FrameBytesMax, options.SendQueueFramesMax, host.Metrics, options.SendQueueBytesMax);
        if (!host.Registry.TryAdmit(peer, out var displaced, out bool full))
        {
            var why = full ? DisconnectReason.PeerLimit : DisconnectReason.Duplicate;
            peer.Close(why);
            host.Metrics.Disconnected(why);
            host.Log(full ? $"p2p link {peer} closed: {options.OtherPeersMax} peers that are not pinned persistent peers are already connected"
                          : $"p2p link {peer} closed: duplicate of an existing link");
            return new ConnectionOutcome(key, Admitted: false, SelfConnection: false, TimeSpan.Zero);
        }
        if (displaced is not null)
        {
            // The handler must see the old link's disconnect before the new link's connect.
            displaced.Close(DisconnectReason.Duplicate);
            host.Log($"p2p link {displaced} replaced by {peer}");
            try
            {
                await displaced.Finished.WaitAsync(host.Shutdown).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        if (!peer.IsConnected)
        {
            // Displaced in turn (or shut down) while waiting: never surface it to the handler.
            host.Registry.Remove(peer);
            host.Metrics.Disconnected(peer.DisconnectReason ?? DisconnectReason.Local);
            peer.MarkFinished();
            return new ConnectionOutcome(key, Admitted: false, SelfConnection: false, TimeSpan.Zero);
        }

        long started = Stopwatch.GetTimestamp();
        host.Metrics.PeerUp();
        using var onShutdown = host.Shutdown.Register(static p => ((Peer)p!).Close(DisconnectReason.Local), peer);
        // Cancellation normally stops the reader and writer at once; should a socket operation
        // ignore it, tearing the socket down later still ends the link, so the disconnect is
        // always reported and the dialer can move on.
        using var abortLate = peer.Closing.Register(static s => _ = AbortLaterAsync((Socket)s!), socket);
        var writer = Task.Run(() => WriteLoopAsync(peer, ssl));
        try
        {
            try
            {
                host.Handler.OnPeerConnected(peer);
            }
            catch (Exception e)
            {
                host.Log($"p2p handler failed on connect of {peer}: {Describe(e)}");
                peer.Close(DisconnectReason.HandlerError);
            }
            var reason = await ReadLoopAsync(peer, reader).ConfigureAwait(false);
            peer.Close(reason);
            await writer.ConfigureAwait(false);
        }
        finally
        {
            host.Registry.Remove(peer);
            var reason = peer.DisconnectReason ?? DisconnectReason.Local;
            if (reason == DisconnectReason.Local) await CloseGracefullyAsync(socket, ssl).ConfigureAwait(false);
            host.Metrics.PeerDown();
            host.Metrics.Disconnected(reason);
            host.Log($"p2p link {peer} closed: {reason.Name()}");
            try
            {
                host.Handler.OnPeerDisconnected(peer);
            }
            catch (Exception e)
            {
                host.Log($"p2p handler failed on disconnect of {peer}: {Describe(e)}");
            }
            peer.MarkFinished();
        }
        return new ConnectionOutcome(key, Admitted: true, SelfConnection: false, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Reads frames until the link fails or closes; returns the reason it ended.</summary>
    private async Task<DisconnectReason> ReadLoopAsync(Peer peer, FrameReader reader)
    {
        var ct = peer.Closing;
        int frameMax = host.Options.FrameBytesMax;
        try
        {
            while (true)
            {
                // The reader may still hold buffered frames: once the link is closing (e.g. the
                // handler called Disconnect), none of them may reach the handler.
                ct.ThrowIfCancellationRequested();
                if (await reader.ReadAsync(frameMax, handshake: false, ct).ConfigureAwait(false) is not { } frame)
                    return DisconnectReason.RemoteClosed;
                host.Metrics.FrameIn(FrameFormat.HeaderBytes + frame.Length);
                try
                {
                    host.Handler.OnMessage(peer, (Channel)frame.Channel, frame.Payload);
                }
                catch (Exception e) when (e is Polis.Core.Encoding.CodecException or ProtocolViolationException)
                {
                    host.Log($"p2p peer {peer} sent a bad {(Channel)frame.Channel} message: {e.Message}");
                    return DisconnectReason.Malformed;
                }
                catch (Exception e)
                {
                    host.Log($"p2p handler failed on a {(Channel)frame.Channel} message from {peer}: {Describe(e)}");
                    return DisconnectReason.HandlerError;
                }
                finally
                {
                    frame.Release();
                }
            }
        }
        catch (FrameException e)
        {
            host.Log($"p2p peer {peer}: {e.Message}");
            return e.Reason;
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            return peer.DisconnectReason ?? DisconnectReason.Local;
        }
        catch (Exception e)
        {
            host.Log($"p2p read from {peer} failed: {Describe(e)}");
            return DisconnectReason.Io;
        }
    }

    /// <summary>
    /// Drains the peer's queues by priority into the frame buffer and flushes only when they are
    /// momentarily empty: a burst of small messages costs one write, not one per message.
    /// </summary>
    private async Task WriteLoopAsync(Peer peer, SslStream ssl)
    {
        var ct = peer.Closing;
        var writer = new FrameWriter(ssl);
        var queues = peer.Queues;
        try
        {
            while (true)
            {
                while (queues.TryDequeue(out var channel, out var payload))
                    await writer.WriteAsync((byte)channel, payload, ct).ConfigureAwait(false);
                if (writer.PendingFrames > 0)
                {
                    long frames = writer.PendingFrames, bytes = writer.PendingBytes;
                    await writer.FlushAsync(ct).ConfigureAwait(false);
                    host.Metrics.FramesWritten(frames, bytes);
                }
                await queues.WaitAsync(ct).ConfigureAwait(false);
            }
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            if (peer.Close(DisconnectReason.Io)) host.Log($"p2p write to {peer} failed: {Describe(e)}");
        }
    }

    /// <summary>Sends TLS close_notify and a FIN so the peer sees an orderly close, not a reset.</summary>
    private static async Task CloseGracefullyAsync(Socket socket, SslStream ssl)
    {
        try
        {
            await ssl.ShutdownAsync().WaitAsync(GracefulCloseTimeout).ConfigureAwait(false);
        }
        catch
        {
            // The stream may be mid-write from a cancelled writer or already broken: the FIN still goes.
        }
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch
        {
        }
    }

    private static async Task AbortLaterAsync(Socket socket)
    {
        await Task.Delay(CloseGrace).ConfigureAwait(false);
        socket.Dispose();
    }

    private static EndPoint? TryRemoteEndPoint(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private static string Describe(Exception e) =>
        e is HandshakeException ? e.Message : $"{e.GetType().Name}: {e.Message}";
}
