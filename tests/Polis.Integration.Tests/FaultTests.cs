using Polis.Client.Config;
using Polis.Node.Config;
using Xunit.Abstractions;
using Polis.City;
using Polis.Modules;

namespace Polis.Integration.Tests;

/// <summary>Issue 3, tests 2, 3 and 6: crashes, loss of quorum, and a city-wide power cut, with real processes.</summary>
public sealed class FaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Killing_validators_under_load_keeps_the_others_committing_and_each_catches_up_and_rejoins()
    {
        await using var devnet = TestDevnet.Create(output, basePort: 21200);
        devnet.StartAll();
        await devnet.WaitForHeight(2, Patience);
        var load = new LoadGenerator(devnet, accounts: 8);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            // The first victim is the proposer of the next height; each later victim is killed right
            // after the previous one rejoined, so the network can only commit if that one votes again.
            int victim = ProposerOf(devnet, await devnet.Height(0) + 1);
            for (int step = 0; step < 4; step++)
            {
                int committedBefore = load.Committed.Count;
                ulong before = await devnet.Height((victim + 1) % 4);
                devnet.Kill(victim);
                int[] alive = Enumerable.Range(0, 4).Where(i => i != victim).ToArray();
                await devnet.WaitForHeight(before + 4, Patience, alive);
                await devnet.WaitUntil(() => Task.FromResult(load.Committed.Count > committedBefore + 5), Patience, "the load commits while a validator is down");
                devnet.Start(victim);
                ulong target = await devnet.Height(alive[0]) + 2;
                await devnet.WaitForHeight(target, Patience, victim);
                victim = (victim + 1) % 4;
            }
        }
        finally
        {
            await load.DisposeAsync();
        }

        output.WriteLine($"under four kill -9 / restart cycles the load committed {load.Committed.Count} transfers in {clock.Elapsed.TotalSeconds:F1} s");
        ulong top = 0;
        for (int i = 0; i < 4; i++) top = Math.Max(top, await devnet.Height(i));
        await devnet.WaitForHeight(top, Patience);
        Assert.True(load.Committed.Count >= 40, $"only {load.Committed.Count} transactions committed under load");
        foreach (var (hash, reported) in load.Committed)
            for (int i = 0; i < 4; i++)
                Assert.Equal(reported, await LedgerChecks.Committed(devnet, i, hash));
        await LedgerChecks.AssertAgreement(devnet, top, 0, 1, 2, 3);
    }

    [Fact]
    public async Task Without_a_quorum_nothing_commits_and_no_height_ever_has_two_blocks()
    {
        await using var devnet = TestDevnet.Create(output, basePort: 21300);
        devnet.StartAll();
        await devnet.WaitForHeight(3, Patience);
        devnet.Stop(2);
        devnet.Kill(3);
        await Task.Delay(1500); // let what was in flight settle
        ulong stalled = Math.Max(await devnet.Height(0), await devnet.Height(1));
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.True(await devnet.Height(0) <= stalled + 1 && await devnet.Height(1) <= stalled + 1,
            "two of four validators (half the power) committed new blocks");
        ulong frozen = Math.Max(await devnet.Height(0), await devnet.Height(1));
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(frozen, Math.Max(await devnet.Height(0), await devnet.Height(1)));

        devnet.Start(2);
        await devnet.WaitForHeight(frozen + 3, Patience, 0, 1, 2);
        devnet.Start(3);
        ulong top = await devnet.Height(0);
        await devnet.WaitForHeight(top, Patience);
        await LedgerChecks.AssertAgreement(devnet, top, 0, 1, 2, 3);
    }

    [Fact]
    public async Task After_a_city_wide_power_cut_every_validator_restarts_and_the_network_commits_again()
    {
        await using var devnet = TestDevnet.Create(output, basePort: 21400);
        devnet.StartAll();
        var load = new LoadGenerator(devnet, accounts: 4);
        try
        {
            await devnet.WaitUntil(() => Task.FromResult(load.Committed.Count >= 10), Patience, "transactions commit before the cut");
            for (int i = 0; i < 4; i++) devnet.Kill(i);
            int committedAtCut = load.Committed.Count;
            await Task.Delay(500);
            devnet.StartAll();
            ulong restartedAt = await WaitForAnyAnswer(devnet);
            await devnet.WaitForHeight(restartedAt + 5, Patience);
            await devnet.WaitUntil(() => Task.FromResult(load.Committed.Count >= committedAtCut + 10), Patience, "transactions commit after the restart");
        }
        finally
        {
            await load.DisposeAsync();
        }
        ulong top = await devnet.Height(0);
        await devnet.WaitForHeight(top, Patience);
        foreach (var (hash, reported) in load.Committed)
            for (int i = 0; i < 4; i++)
                Assert.Equal(reported, await LedgerChecks.Committed(devnet, i, hash));
        await LedgerChecks.AssertAgreement(devnet, top, 0, 1, 2, 3);
    }

    private static async Task<ulong> WaitForAnyAnswer(TestDevnet devnet)
    {
        ulong height = 0;
        await devnet.WaitUntil(async () =>
        {
            for (int i = 0; i < devnet.Count; i++)
                if (await devnet.TryStatus(i) is { } s) { height = s.GetProperty("height").GetUInt64(); return true; }
            return false;
        }, Patience, "a restarted node answers");
        return height;
    }

    /// <summary>The index of the node whose validator proposes round 0 of <paramref name="height"/>.</summary>
    private static int ProposerOf(TestDevnet devnet, ulong height)
    {
        var genesis = GenesisFile.Load(devnet.Manifest.Genesis).ToGenesis(CityModules.Create());
        var proposer = genesis.Validators.Proposer(height, 0).Address;
        for (int i = 0; i < devnet.Count; i++)
        {
            using var key = KeyFile.Load(Path.Combine(devnet.Manifest.Nodes[i].Home, "validator_key.json"));
            if (key.Address == proposer) return i;
        }
        throw new InvalidOperationException("no node holds the proposer's key");
    }
}
