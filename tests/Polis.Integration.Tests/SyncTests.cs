using Polis.Core.Crypto;
using Xunit.Abstractions;

namespace Polis.Integration.Tests;

/// <summary>Issue 3, test 4: a non-validator node started later syncs from genesis and serves the same state.</summary>
public sealed class SyncTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_node_started_later_syncs_from_genesis_to_the_tip_and_serves_the_same_state()
    {
        await using var devnet = TestDevnet.Create(output, basePort: 21500, validators: 4, observers: 1);
        devnet.StartAll(count: 4);
        await devnet.WaitForHeight(1, Patience, 0, 1, 2, 3);
        using var recipient = KeyPair.Generate();
        for (int a = 0; a < devnet.Accounts.Count; a++) Assert.True(await devnet.Submit(a % 4, devnet.Transfer(a, recipient.Address, 1_000 + (ulong)a)));
        await devnet.WaitForHeight(40, Patience, 0, 1, 2, 3);

        devnet.Start(4);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        ulong tip = await devnet.Height(0);
        await devnet.WaitForHeight(tip, Patience, 4);
        output.WriteLine($"the late node synced {tip} blocks in {clock.Elapsed.TotalSeconds:F1} s, process start included ({tip / clock.Elapsed.TotalSeconds:F0} blocks/s)");
        await devnet.WaitForHeight(tip + 2, Patience, 4);
        var status = await devnet.TryStatus(4);
        Assert.Null(status!.Value.GetProperty("validatorAddress").GetString());

        ulong top = await devnet.Height(4);
        await LedgerChecks.AssertAgreement(devnet, top, 0, 4);
        ulong expected = 0;
        for (int a = 0; a < devnet.Accounts.Count; a++) expected += 1_000 + (ulong)a;
        Assert.Equal(expected, await LedgerChecks.Balance(devnet, 4, recipient.Address));
        Assert.Equal(await LedgerChecks.Balance(devnet, 0, devnet.Accounts[3].Address), await LedgerChecks.Balance(devnet, 4, devnet.Accounts[3].Address));
    }
}
