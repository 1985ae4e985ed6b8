using System.Net.Sockets;

namespace Polis.Network.Hosting;

/// <summary>Per-socket options for peer links.</summary>
internal static class SocketTuning
{
    private const int IpProtoTcp = 6;
    private const int TcpUserTimeout = 18; // Linux <netinet/tcp.h>

    public static void Configure(Socket socket)
    {
        // The writer batches frames itself; Nagle would only add delay to votes.
        socket.NoDelay = true;
        try
        {
            // A peer whose machine vanished sends no FIN: keepalive finds idle dead links, and on
            // Linux TCP_USER_TIMEOUT bounds how long unacknowledged data may wait, so a dead link is
            // dropped in about 30 s instead of the ~15 min of default retransmissions.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 15);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 5);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
            if (OperatingSystem.IsLinux())
                socket.SetRawSocketOption(IpProtoTcp, TcpUserTimeout, BitConverter.GetBytes(30_000));
        }
        catch (SocketException)
        {
            // Best effort: not every platform has every option.
        }
        catch (PlatformNotSupportedException)
        {
        }
    }
}
