using System.Net;
using System.Net.Sockets;

namespace Polis.Integration.Tests;

/// <summary>
/// Holds a node's pre-handshake slots: each of its sockets connects from <c>source</c> (a loopback
/// address of its own, 127.0.0.2, so a node can tell it from its peers on 127.0.0.1), sends
/// nothing, and is replaced as soon as the node closes it. While the node's port is closed it
/// keeps trying, so it takes the slots the moment a restarted node listens.
/// </summary>
internal sealed class SlotHolder : IAsyncDisposable
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(50);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _sockets;
    private int _open;
    private long _connects;

    public SlotHolder(IPAddress source, IPEndPoint target, int sockets)
    {
        _sockets = new Task[sockets];
        for (int i = 0; i < sockets; i++) _sockets[i] = Task.Run(() => HoldAsync(source, target, _stop.Token));
    }

    /// <summary>Sockets connected and not yet closed by the node.</summary>
    public int Open => Volatile.Read(ref _open);
    public long Connects => Interlocked.Read(ref _connects);

    private async Task HoldAsync(IPAddress source, IPEndPoint target, CancellationToken ct)
    {
        var sink = new byte[64];
        while (!ct.IsCancellationRequested)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(target, ct);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                await Pause(ct);
                continue;
            }
            Interlocked.Increment(ref _connects);
            Interlocked.Increment(ref _open);
            try
            {
                // Silent until the node gives up on the handshake (or refuses at once) and closes.
                while (await socket.ReceiveAsync(sink, SocketFlags.None, ct) > 0) { }
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
            }
            finally
            {
                Interlocked.Decrement(ref _open);
            }
            await Pause(ct);
        }
    }

    private static async Task Pause(CancellationToken ct)
    {
        try
        {
            await Task.Delay(RetryPause, ct);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_sockets).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
