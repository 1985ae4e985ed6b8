using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Polis.Core.Crypto;
using Polis.Network.Framing;
using Polis.Network.Handshake;
using Polis.Network.Tls;

namespace Polis.Network.Tests;

/// <summary>
/// A hand-driven client: a plain TCP socket, optionally TLS, optionally a full Polis handshake,
/// after which the test writes whatever bytes it wants — the misbehaving peer a real host never is.
/// </summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly NodeCertificate _certificate = NodeCertificate.Create();

    private RawPeer(Socket socket)
    {
        Socket = socket;
        Network = new NetworkStream(socket, ownsSocket: true);
        Stream = Network;
    }

    public Socket Socket { get; }
    public NetworkStream Network { get; }
    public Stream Stream { get; private set; }

    public static async Task<RawPeer> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(TestNet.Patience);
        return new RawPeer(socket);
    }

    /// <summary>Mutual TLS only: no Hello is sent.</summary>
    public async Task<SslStream> StartTlsAsync()
    {
        var ssl = new SslStream(Network, leaveInnerStreamOpen: true);
        await TlsAuthenticator.AuthenticateAsync(ssl, _certificate, asClient: true, CancellationToken.None).WaitAsync(TestNet.Patience);
        Stream = ssl;
        return ssl;
    }

    /// <summary>TLS plus a correct Hello under <paramref name="key"/>: an authenticated link the test then abuses.</summary>
    public async Task<PublicKey> HandshakeAsync(KeyPair key, string chainId = TestNet.ChainId)
    {
        var ssl = new SslStream(Network, leaveInnerStreamOpen: true);
        var handshake = new NodeHandshake(chainId, key, _certificate);
        var hostKey = await handshake.RunAsync(ssl, new FrameReader(ssl), asClient: true, expectedKey: null, CancellationToken.None)
            .WaitAsync(TestNet.Patience);
        Stream = ssl;
        return hostKey;
    }

    public async Task WriteAsync(byte[] bytes)
    {
        await Stream.WriteAsync(bytes).AsTask().WaitAsync(TestNet.Patience);
        await Stream.FlushAsync().WaitAsync(TestNet.Patience);
    }

    /// <summary>Reads and discards until the host closes the connection; false if it is still open after <paramref name="within"/>.</summary>
    public async Task<bool> ClosedByHostWithinAsync(TimeSpan within)
    {
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(within);
        try
        {
            while (await Stream.ReadAsync(buffer, cts.Token) > 0)
            {
            }
            return true;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return false;
        }
        catch (IOException)
        {
            return true; // reset or TLS alert: closed all the same
        }
        catch (System.Security.Authentication.AuthenticationException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        await Network.DisposeAsync();
        _certificate.Dispose();
    }
}
