using Polis.Core.Net;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;

namespace Polis.Gateway;

/// <summary>
/// The embedded broker's TCP listener: accepts device connections as MQTTnet's own listener does,
/// but reads each through <see cref="MqttPacketSizeGuard"/>, so no client can make the node buffer
/// more than one packet of <paramref name="packetBytesMax"/> bytes, and holds open sockets to
/// <paramref name="connections"/> (in all and per address), counted from accept: connections still in
/// their CONNECT count too, and a socket past the bound is closed at once.
/// </summary>
public sealed class BoundedMqttListener(IPEndPoint listen, int packetBytesMax, ILogger log, AddressSlots connections) : IMqttServerAdapter
{
    private Socket? _socket;
    private CancellationTokenSource? _stop;
    private Task _accepting = Task.CompletedTask;

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        var socket = new Socket(listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Bind(listen);
        socket.Listen(512);
        _socket = socket;
        _stop = new CancellationTokenSource();
        var stop = _stop.Token;
        _accepting = Task.Run(() => AcceptAsync(socket, options, logger, stop), stop);
        return Task.CompletedTask;
    }

    private async Task AcceptAsync(Socket listener, MqttServerOptions options, IMqttNetLogger logger, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await listener.AcceptAsync(stop).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException e)
            {
                log.LogDebug("gateway: MQTT accept failed: {Message}", e.Message);
                continue;
            }
            IPAddress? source = (client.RemoteEndPoint as IPEndPoint)?.Address;
            if (!connections.TryTake(source, out var key))
            {
                client.Dispose(); // past the bound: closed before MQTTnet reads a byte of it
                continue;
            }
            _ = Task.Run(async () =>
            {
                try { await ServeAsync(client, options, logger).ConfigureAwait(false); }
                finally { connections.Release(key); }
            });
        }
    }

    private async Task ServeAsync(Socket client, MqttServerOptions options, IMqttNetLogger logger)
    {
        EndPoint? remote = null;
        try
        {
            client.NoDelay = true;
            remote = client.RemoteEndPoint;
            await using var stream = new MqttPacketSizeGuard(new NetworkStream(client, ownsSocket: true), packetBytesMax);
            if (ClientHandler is not { } handler) return;
            var channel = new MqttTcpChannel(stream, listen, remote, null);
            var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(options.WriterBufferSize, options.WriterBufferSizeMax));
            using var adapter = new MqttChannelAdapter(channel, formatter, logger);
            await handler(adapter).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A client that vanished or broke the framing: its connection is closed, the broker goes on.
            log.LogDebug("gateway: MQTT connection from {Remote} ended: {Message}", remote, e.Message);
        }
        finally
        {
            client.Dispose();
        }
    }

    public async Task StopAsync()
    {
        _stop?.Cancel();
        _socket?.Dispose();
        try { await _accepting.ConfigureAwait(false); } catch (OperationCanceledException) { }
    }

    public void Dispose()
    {
        _stop?.Cancel();
        _socket?.Dispose();
        _stop?.Dispose();
    }
}
