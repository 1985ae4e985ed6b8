using Polis.Core.Crypto;
using Polis.Client.Config;
using Polis.Node.Config;
using Xunit.Abstractions;

namespace Polis.Integration.Tests;

/// <summary>Gossip relays: validators that are not directly connected still hear each other.</summary>
public sealed class GossipTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Validators_connected_in_a_line_commit_transactions_submitted_at_either_end()
    {
        await using var devnet = TestDevnet.Create(output, basePort: 21700);
        // Rewire the full mesh into a line 0 - 1 - 2 - 3: node 0 and node 3 share no link, and
        // neither do 0 and 2 or 1 and 3, so every vote between them must be relayed.
        for (int i = 0; i < devnet.Count; i++)
        {
            var home = new NodeHome(devnet.Manifest.Nodes[i].Home);
            var config = NodeConfig.Load(home.ConfigPath);
            config.PersistentPeers = config.PersistentPeers.Where(p => p.EndsWith(":" + (21700 + 2 * (i + 1))) && i + 1 < devnet.Count).ToList();
            config.Save(home.ConfigPath);
        }
        devnet.StartAll();
        await devnet.WaitForHeight(3, Patience);
        var peers0 = (await devnet.TryStatus(0))!.Value.GetProperty("peers").GetArrayLength();
        var peers3 = (await devnet.TryStatus(3))!.Value.GetProperty("peers").GetArrayLength();
        Assert.Equal(1, peers0);
        Assert.Equal(1, peers3);

        using var recipient = KeyPair.Generate();
        var first = devnet.Transfer(0, recipient.Address, 7);
        var last = devnet.Transfer(1, recipient.Address, 11);
        Assert.True(await devnet.Submit(0, first));
        Assert.True(await devnet.Submit(3, last));
        await devnet.WaitUntil(async () => await LedgerChecks.Committed(devnet, 3, first.Hash) is not null
                                           && await LedgerChecks.Committed(devnet, 0, last.Hash) is not null, Patience, "both ends' transfers commit");
        ulong top = await devnet.Height(0);
        await devnet.WaitForHeight(top, Patience);
        await LedgerChecks.AssertAgreement(devnet, top, 0, 1, 2, 3);
        Assert.Equal(18UL, await LedgerChecks.Balance(devnet, 2, recipient.Address));
        // Relayed, not only carried in blocks: node 3's peer (node 2) passed on what node 0 was sent, and back. Counted
        // whatever the receiver made of it: a relay that arrives after the block that carried it is refused (nonce
        // used), which a loaded machine makes likely, but it was relayed all the same.
        foreach (int node in new[] { 0, 3 })
            foreach (string result in new[] { "new", "duplicate", "refused", "dropped" })
                output.WriteLine($"node {node}: {await devnet.Metric(node, "polis_p2p_txs_received_total", $"result=\"{result}\"")} relayed transactions {result}");
        Assert.True(await devnet.Metric(3, "polis_p2p_txs_received_total") >= 1, "node 3 received a transaction relayed over the line");
        Assert.True(await devnet.Metric(0, "polis_p2p_txs_received_total") >= 1, "node 0 received a transaction relayed over the line");
    }
}
