using System.Net;
using Polis.Core.Crypto;
using Polis.Network;
using Polis.Node.Config;
using Polis.Node.Wire;
using Xunit.Abstractions;

namespace Polis.Integration.Tests;

/// <summary>Peers that lie, against real node processes: a real handshake under a fresh key, then hostile frames.</summary>
public sealed class HostilePeerTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>A peer that says only what the test tells it to, and ignores everything it hears.</summary>
    private sealed class Deaf : IPeerMessageHandler
    {
        public void OnMessage(Peer peer, Channel channel, ReadOnlySpan<byte> payload) { }
        public void OnPeerConnected(Peer peer) { }
        public void OnPeerDisconnected(Peer peer) { }
    }

    [Fact]
    public async Task A_peer_claiming_a_height_it_never_shows_neither_turns_off_the_validators_fsync_nor_stays_connected()
    {
        // One validator: no honest peer is ever ahead of it, so any commit without fsync would be the liar's doing.
        await using var devnet = TestDevnet.Create(output, basePort: 21900, validators: 1);
        devnet.StartAll();
        await devnet.WaitForHeight(2, Patience, 0);

        using var key = KeyPair.Generate();
        var target = devnet.Manifest.Nodes[0].P2P.Split(':');
        await using var liar = new P2PHost(new P2POptions
        {
            ChainId = devnet.Manifest.ChainId,
            NodeKey = key,
            Listen = new IPEndPoint(IPAddress.Loopback, 21990),
            PersistentPeers = [new PeerAddress(target[0], int.Parse(target[1]), null)],
            ReconnectMin = TimeSpan.FromSeconds(60), // once dropped, it stays away: the test sees the drop
            ReconnectMax = TimeSpan.FromSeconds(60),
        }, new Deaf());
        await liar.StartAsync().WaitAsync(Patience);
        var claim = WireCodec.Encode(new StatusMessage(1_000_000, 0));
        bool dropped = false, linked = false;
        ulong start = await devnet.Height(0);
        var deadline = DateTime.UtcNow + Patience;
        while (!dropped && DateTime.UtcNow < deadline)
        {
            // It repeats its claim, as a status would be repeated, and never answers a block request.
            var link = liar.Peers.FirstOrDefault(p => p.IsConnected);
            if (link is not null)
            {
                linked = true;
                link.Send(Channel.Consensus, claim);
            }
            else if (linked) dropped = true;
            await Task.Delay(250);
        }
        Assert.True(linked, "the liar never connected");
        Assert.True(dropped, "the node kept a peer whose claimed height was never shown");
        Assert.True(await devnet.Metric(0, "polis_peers_dropped_for_claims_total") >= 1);
        await devnet.WaitForHeight(start + 3, Patience, 0);
        // Every height it committed while the liar claimed to be far ahead waited for the disk.
        Assert.Equal(0, await devnet.Metric(0, "polis_commits_unsynced_total"));
    }

    /// <summary>
    /// Idle sockets from one address, renewed as fast as the node drops them, hold every handshake
    /// slot of validator 0 of a two-validator chain while validator 1 restarts where validator 0
    /// cannot dial it (behind a firewall, as a validator may be): validator 1 can only get in
    /// through validator 0's inbound slots, and the chain, which needs both, waits on it. Without the
    /// bound per source address and the slots kept for the configured peers' addresses, validator 1
    /// loses nearly every race for a freed slot to the holder's surplus sockets.
    /// </summary>
    [Fact]
    public async Task Idle_sockets_from_one_address_cannot_keep_a_restarted_validator_out()
    {
        await using var devnet = TestDevnet.Create(output, basePort: 21920, validators: 2);
        devnet.StartAll();
        await devnet.WaitForHeight(2, Patience);
        devnet.Kill(1);
        var home = new NodeHome(devnet.Manifest.Nodes[1].Home);
        var config = NodeConfig.Load(home.ConfigPath);
        config.P2PListen = "127.0.0.1:21925"; // validator 0 keeps dialling 21922, where nobody listens now
        config.Save(home.ConfigPath);

        await using var holder = new SlotHolder(IPAddress.Parse("127.0.0.2"), IPEndPoint.Parse(devnet.Manifest.Nodes[0].P2P), sockets: 128);
        await devnet.WaitUntil(() => Task.FromResult(holder.Connects >= 128), Patience, "the holder's sockets reach validator 0");
        ulong stalled = await devnet.Height(0);
        devnet.Start(1);
        await devnet.WaitForHeight(stalled + 3, Patience);
        output.WriteLine($"holder: {holder.Open} sockets open at the end, {holder.Connects} connects");
        Assert.True(await devnet.Metric(0, "polis_p2p_handshakes_refused_total", "reason=\"address\"") > 0, "validator 0 never refused the holder's surplus by its address");
    }
}
