using System.Collections.Concurrent;
using System.Net.Sockets;
using Polis.Network.Handshake;
using Polis.Network.Peers;

namespace Polis.Network.Hosting;

/// <summary>What every connection, dialer and loop of one host shares.</summary>
internal sealed class HostContext(
    P2POptions options,
    IPeerMessageHandler handler,
    P2PMetrics metrics,
    PeerRegistry registry,
    NodeHandshake handshake,
    CancellationToken shutdown)
{
    public P2POptions Options { get; } = options;
    public IPeerMessageHandler Handler { get; } = handler;
    public P2PMetrics Metrics { get; } = metrics;
    public PeerRegistry Registry { get; } = registry;
    public NodeHandshake Handshake { get; } = handshake;
    public CancellationToken Shutdown { get; } = shutdown;

    /// <summary>Every open socket, so shutdown can tear down whatever did not close in time.</summary>
    public ConcurrentDictionary<Socket, byte> Sockets { get; } = new();

    public void Log(string message)
    {
        try
        {
            Options.Log?.Invoke(message);
        }
        catch
        {
            // A failing log sink must not take a connection down with it.
        }
    }
}
