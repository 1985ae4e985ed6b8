using System.Net.Sockets;
using Polis.Core.Crypto;
using Polis.Network.Dialing;
using Polis.Network.Handshake;
using Polis.Network.Hosting;
using Polis.Network.Peers;
using Polis.Network.Tls;

namespace Polis.Network;

/// <summary>
/// The node's peer-to-peer endpoint: listens, dials the persistent peers and keeps them
/// connected, authenticates every link (mutual TLS 1.3 bound to the node's Ed25519 key), and moves
/// frames between the links and one <see cref="IPeerMessageHandler"/>. A failure in one connection
/// closes that connection only.
/// </summary>
public sealed class P2PHost : IAsyncDisposable
{
    /// <summary>How long shutdown waits for links to close on their own before tearing sockets down.</summary>
    private static readonly TimeSpan GracefulShutdown = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan ForcedShutdown = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan AcceptErrorPause = TimeSpan.FromMilliseconds(100);

    private const int New = 0, Started = 1, Disposed = 2;

    private readonly P2POptions _options;
    private readonly IPeerMessageHandler _handler;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly PeerRegistry _registry;
    private readonly TaskTracker _tasks;
    private int _state = New;
    private int _listenPort;
    private readonly HandshakeSlots _slots;
    private Socket? _listener;
    private NodeCertificate? _certificate;
    private HostContext? _context;

    public P2PHost(P2POptions options, IPeerMessageHandler handler)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        options.Validate();
        _options = options;
        _handler = handler;
        NodeId = options.NodeKey.PublicKey;
        _registry = new PeerRegistry(NodeId, [.. options.PersistentPeers.Where(p => p.ExpectedKey is not null).Select(p => p.ExpectedKey!)], options.OtherPeersMax);
        _tasks = new TaskTracker(Log);
        _slots = new HandshakeSlots(options.InboundHandshakesMax, options.InboundHandshakesPerAddressMax, options.ReservedHandshakesMax);
    }

    /// <summary>The bound port, known once <see cref="StartAsync"/> has returned.</summary>
    public int ListenPort => _listenPort != 0 ? _listenPort : throw new InvalidOperationException("the host is not started");

    public PublicKey NodeId { get; }

    /// <summary>The connected, authenticated peers at this moment (one per node key).</summary>
    public IReadOnlyCollection<Peer> Peers => _registry.Snapshot;

    public P2PMetrics Metrics { get; } = new();

    /// <summary>
    /// Binds the listener (throws if it cannot), then accepts and dials in the background. The
    /// token only cancels starting; <see cref="DisposeAsync"/> stops the host.
    /// </summary>
    public Task StartAsync(CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        if (Interlocked.CompareExchange(ref _state, Started, New) != New)
            throw new InvalidOperationException(_state == Disposed ? "the host is disposed" : "the host is already started");

        _certificate = NodeCertificate.Create();
        var listener = new Socket(_options.Listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(_options.Listen);
            listener.Listen(backlog: 128);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        _listener = listener;
        _listenPort = ((System.Net.IPEndPoint)listener.LocalEndPoint!).Port;

        var handshake = new NodeHandshake(_options.ChainId, _options.NodeKey, _certificate);
        _context = new HostContext(_options, _handler, Metrics, _registry, handshake, _shutdown.Token);
        var runner = new ConnectionRunner(_context);
        _tasks.Run("p2p reserved addresses", ReserveAddressesAsync);
        _tasks.Run("p2p accept loop", () => AcceptLoopAsync(listener, runner));
        foreach (var address in _options.PersistentPeers)
        {
            var dialer = new PersistentPeerDialer(address, _context, runner);
            _tasks.Run($"p2p dialer of {address}", dialer.RunAsync);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Queues the payload to every connected peer except <paramref name="except"/> (matched by key).
    /// Returns how many accepted it; a peer whose queue is full is skipped. The payload is shared
    /// by reference between the peers: do not change it afterwards.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A payload over <see cref="P2POptions.FrameBytesMax"/>.</exception>
    public int Broadcast(Channel channel, ReadOnlyMemory<byte> payload, Peer? except = null)
    {
        // Checked once up front so an oversized payload fails before reaching any peer, not halfway.
        if (payload.Length > _options.FrameBytesMax)
            throw new ArgumentOutOfRangeException(nameof(payload), payload.Length, $"payload exceeds FrameBytesMax ({_options.FrameBytesMax})");
        int queued = 0;
        foreach (var peer in _registry.Snapshot)
        {
            if (except is not null && peer.Key.Equals(except.Key)) continue;
            if (peer.Send(channel, payload)) queued++;
        }
        return queued;
    }

    /// <summary>Stops accepting and dialing and closes every link (TLS close_notify), within about 2 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _state, Disposed) == Disposed) return;
        try
        {
            // Cancels the accept loop, the dialers and handshakes, and closes every live link.
            _shutdown.Cancel();
        }
        catch (AggregateException e)
        {
            Log($"p2p shutdown callback failed: {e.InnerException?.Message}");
        }
        _listener?.Dispose();

        var all = _tasks.WhenAll();
        if (await Task.WhenAny(all, Task.Delay(GracefulShutdown)).ConfigureAwait(false) != all && _context is not null)
        {
            // Something is stuck (e.g. a handler that blocks): pull the sockets out from under it.
            foreach (var socket in _context.Sockets.Keys) socket.Dispose();
            await Task.WhenAny(all, Task.Delay(ForcedShutdown)).ConfigureAwait(false);
        }
        _certificate?.Dispose();
        // _shutdown is deliberately not disposed: a straggling task may still read its token.
    }

    private async Task AcceptLoopAsync(Socket listener, ConnectionRunner runner)
    {
        var ct = _shutdown.Token;
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                // E.g. out of file descriptors: pause rather than spin, then keep serving.
                Log($"p2p accept failed: {e.Message}");
                try
                {
                    await Task.Delay(AcceptErrorPause, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }

            Metrics.ConnectionAccepted();
            var source = (socket.RemoteEndPoint as System.Net.IPEndPoint)?.Address ?? System.Net.IPAddress.None;
            var slot = _slots.TryTake(source);
            if (slot is HandshakeSlots.Kind.RefusedAddress or HandshakeSlots.Kind.RefusedFull)
            {
                bool byAddress = slot == HandshakeSlots.Kind.RefusedAddress;
                Metrics.HandshakeRefused(byAddress);
                Metrics.HandshakeFailed();
                Metrics.Disconnected(DisconnectReason.Unauthenticated);
                // Not logged per connection: a flood would turn into a flood of log lines.
                socket.Dispose();
                continue;
            }
            _tasks.Run("p2p inbound connection", () => RunInboundAsync(socket, runner, source, slot));
        }
    }

    /// <summary>Resolves the persistent peers' hosts once, so connections from them take the reserved handshake slots.</summary>
    private async Task ReserveAddressesAsync()
    {
        foreach (var peer in _options.PersistentPeers)
        {
            if (System.Net.IPAddress.TryParse(peer.Host, out var literal))
            {
                _slots.Reserve([literal]);
                continue;
            }
            try
            {
                _slots.Reserve(await System.Net.Dns.GetHostAddressesAsync(peer.Host, _shutdown.Token).ConfigureAwait(false));
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ArgumentException)
            {
                Log($"p2p could not resolve {peer.Host} to reserve its handshake slots: {e.Message}");
            }
        }
    }

    private async Task RunInboundAsync(Socket socket, ConnectionRunner runner, System.Net.IPAddress source, HandshakeSlots.Kind slot)
    {
        int released = 0;
        void ReleaseSlot()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) _slots.Release(source, slot);
        }
        try
        {
            await runner.RunAsync(socket, outbound: false, expectedKey: null, ReleaseSlot).ConfigureAwait(false);
        }
        finally
        {
            ReleaseSlot();
        }
    }

    private void Log(string message)
    {
        try
        {
            _options.Log?.Invoke(message);
        }
        catch
        {
            // A failing log sink must not stop the host.
        }
    }
}
