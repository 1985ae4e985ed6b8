using Polis.Core.Crypto;
using Polis.Network.Hosting;

namespace Polis.Network.Dialing;

/// <summary>
/// Keeps one configured peer connected for the host's lifetime: dials, and after every loss
/// redials with <see cref="Backoff"/>. While any link to that key is live, inbound ones included,
/// it waits instead of dialing, since a second link would only be closed as a duplicate.
/// </summary>
internal sealed class PersistentPeerDialer(PeerAddress address, HostContext host, ConnectionRunner runner)
{
    public async Task RunAsync()
    {
        var options = host.Options;
        var ct = host.Shutdown;
        var backoff = new Backoff(options.ReconnectMin, options.ReconnectMax);
        // Learned from the first handshake when the address does not pin a key.
        PublicKey? key = address.ExpectedKey;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (key is not null && host.Registry.TryGet(key, out var live))
                {
                    await live.Finished.WaitAsync(ct).ConfigureAwait(false);
                    Settle(backoff, DateTimeOffset.UtcNow - live.ConnectedAt);
                    await Task.Delay(backoff.Next(), ct).ConfigureAwait(false);
                    continue;
                }

                var outcome = await DialOnceAsync(ct).ConfigureAwait(false);
                if (outcome.SelfConnection)
                {
                    host.Log($"p2p persistent peer {address} is this node itself: not dialing it again");
                    return;
                }
                key ??= outcome.PeerKey;
                if (outcome.Admitted) Settle(backoff, outcome.Uptime);
                await Task.Delay(backoff.Next(), ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// A link that stayed up at least ReconnectMax was healthy: start again from the shortest delay.
    /// One that dropped sooner keeps the backoff growing, so a peer that accepts and then drops us
    /// at once is not hammered.
    /// </summary>
    private void Settle(Backoff backoff, TimeSpan uptime)
    {
        if (uptime >= host.Options.ReconnectMax) backoff.Reset();
    }

    private async Task<ConnectionOutcome> DialOnceAsync(CancellationToken ct)
    {
        System.Net.Sockets.Socket socket;
        try
        {
            socket = await TcpConnector.ConnectAsync(address.Host, address.Port, host.Options.HandshakeTimeout, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            host.Metrics.DialFailed();
            host.Log($"p2p dial {address} failed: {e.Message}");
            return ConnectionOutcome.Failed;
        }
        return await runner.RunAsync(socket, outbound: true, address.ExpectedKey).ConfigureAwait(false);
    }
}
