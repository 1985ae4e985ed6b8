using System.Net;
using System.Net.Sockets;

namespace Polis.Network.Dialing;

/// <summary>Opens a TCP connection to host:port, trying each resolved address in turn, within a deadline.</summary>
internal static class TcpConnector
{
    public static async Task<Socket> ConnectAsync(string host, int port, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        IPAddress[] addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, deadline.Token).ConfigureAwait(false);

        Exception? last = null;
        foreach (var address in addresses)
        {
            // A socket of the address's own family: no dual-mode surprises in RemoteEndPoint.
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), deadline.Token).ConfigureAwait(false);
                return socket;
            }
            catch (Exception e)
            {
                socket.Dispose();
                if (ct.IsCancellationRequested) throw;
                last = deadline.IsCancellationRequested
                    ? new TimeoutException($"connect to {host}:{port} not done within {timeout.TotalSeconds:0.###} s")
                    : e;
                if (deadline.IsCancellationRequested) break;
            }
        }
        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }
}
