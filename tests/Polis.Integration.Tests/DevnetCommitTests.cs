using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Devnet;
using Xunit.Abstractions;
using Polis.Client.Api;

namespace Polis.Integration.Tests;

/// <summary>Issue 3, test 1: a 4-validator devnet commits transfers and every validator holds the same chain.</summary>
public sealed class DevnetCommitTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Four_validators_commit_transfers_with_the_same_blocks_and_state_roots_at_every_height()
    {
        await using var devnet = TestDevnet.Create(output, basePort: 21100);
        devnet.StartAll();
        await devnet.WaitForHeight(2, Patience);

        using var recipient = KeyPair.Generate();
        var txs = new List<Transaction>();
        for (int round = 0; round < 25; round++)
            for (int a = 0; a < devnet.Accounts.Count; a++)
                txs.Add(devnet.Transfer(a, recipient.Address, (ulong)(a + 1)));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        ulong startHeight = await devnet.Height(0);
        for (int i = 0; i < txs.Count; i++) Assert.True(await devnet.Submit(i % devnet.Count, txs[i]), $"transaction {i} was not accepted");

        await devnet.WaitUntil(async () =>
        {
            foreach (var tx in txs) if (await LedgerChecks.Committed(devnet, 0, tx.Hash) is null) return false;
            return true;
        }, Patience, "every transfer is committed");

        ulong endHeight = await devnet.Height(0);
        output.WriteLine($"{txs.Count} transfers submitted and committed in {clock.Elapsed.TotalSeconds:F1} s; " +
                         $"{endHeight - startHeight} blocks ({(endHeight - startHeight) / clock.Elapsed.TotalSeconds:F1} blocks/s)");
        ulong expected = 0;
        for (int a = 1; a <= devnet.Accounts.Count; a++) expected += 25UL * (ulong)a;
        ulong height = await devnet.Height(0);
        await devnet.WaitForHeight(height, Patience);
        for (int i = 0; i < devnet.Count; i++)
        {
            Assert.Equal(expected, await LedgerChecks.Balance(devnet, i, recipient.Address));
            foreach (var tx in txs) Assert.Equal(TxStatusResponse.OkResult, (await LedgerChecks.Committed(devnet, i, tx.Hash))?.Result);
        }
        // Each transfer paid its fee, successful or not; the treasury holds exactly their sum.
        static ulong Fee(Transaction tx) => DevnetLayout.FeePerTransaction + DevnetLayout.FeePerByte * (ulong)tx.Encoded.Length;
        ulong account0Fees = 0;
        for (int i = 0; i < txs.Count; i += devnet.Accounts.Count) account0Fees += Fee(txs[i]);
        Assert.Equal(DevnetLayout.AccountBalance - 25 - account0Fees, await LedgerChecks.Balance(devnet, 2, devnet.Accounts[0].Address));
        using var treasury = Polis.Client.Config.KeyFile.Load(devnet.Manifest.Treasury!);
        Assert.Equal((ulong)txs.Sum(t => (long)Fee(t)), await LedgerChecks.Balance(devnet, 2, treasury.Address));
        await LedgerChecks.AssertAgreement(devnet, height, 0, 1, 2, 3);

        // Each validator checked each transfer's signature once (plus the votes and proposals of each
        // height), and in this full mesh received each transfer over gossip at most once.
        for (int i = 0; i < devnet.Count; i++)
        {
            double checks = await devnet.Metric(i, "polis_signature_checks_total");
            double received = await devnet.Metric(i, "polis_p2p_txs_received_total");
            double duplicates = await devnet.Metric(i, "polis_p2p_txs_received_total", "result=\"duplicate\"");
            output.WriteLine($"node{i}: {checks} signature checks, {received} transactions from peers ({duplicates} duplicates) for {txs.Count} transfers, {height} heights");
            Assert.InRange(checks, txs.Count, txs.Count * 1.05 + 20.0 * height);
            Assert.InRange(received, 0, txs.Count);
            Assert.InRange(duplicates, 0, txs.Count / 10.0);
        }
    }
}
