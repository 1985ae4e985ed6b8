using System.Collections.Concurrent;
using Polis.Modules.Devices;
using Polis.Devnet.District;
using Polis.Client.Api;
using Polis.Client.Light;
using Polis.Client.Transactions;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Client.Config;
using Polis.Node.Config;
using Xunit.Abstractions;
using Polis.City;
using Polis.Modules;
using Polis.Testing;

namespace Polis.Integration.Tests;

/// <summary>
/// The data plane end to end on real processes: node0 runs the gateway with its embedded MQTT
/// broker; devices publish signed readings; every accepted reading must get a proof that the light
/// client verifies from the genesis file alone.
/// </summary>
public sealed class DataPlaneTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Commit = TimeSpan.FromSeconds(60);

    private static TestDevnet CreateDevnet(ITestOutputHelper output, int basePort) =>
        TestDevnet.Create(output, basePort, accounts: 2, perNode: (i, home, config) =>
        {
            if (i != 0) return;
            Directory.CreateDirectory(home.Directory);
            using (var key = KeyPair.FromLabel($"it-gateway-{basePort}")) KeyFile.Save(Path.Combine(home.Directory, "gateway_key.json"), key);
            GatewaySetup.Enable(config, "gw-0", "gateway_key.json", $"127.0.0.1:{basePort + 8}", [DistrictFixture.Concentrator.PublicKey]);
        });

    [Fact]
    public async Task Thousand_devices_over_mqtt_every_accepted_reading_is_proven_from_the_genesis_and_bad_readings_are_refused()
    {
        const int basePort = 22100, devices = 1_000, perDevice = 2;
        await using var devnet = CreateDevnet(output, basePort);
        devnet.StartAll();
        await devnet.WaitForHeight(1, TimeSpan.FromSeconds(60));
        using var node = new NodeClient(devnet.Manifest.Nodes[0].Api, TimeSpan.FromSeconds(20));
        var genesis = GenesisFile.Load(devnet.Manifest.Genesis).ToGenesis(CityModules.Create());
        using var gatewayKey = KeyFile.Load(Path.Combine(devnet.Manifest.Nodes[0].Home, "gateway_key.json"));
        await using var district = new DistrictFixture(genesis.Id, node, devnet.Accounts[0]);
        await district.RegisterAsync("gw-0", gatewayKey.Address, devices, Commit);
        await district.ConnectAsync(basePort + 8);

        // Every device publishes; each reading must be acknowledged as accepted.
        var accepted = new ConcurrentBag<Reading>();
        var refused = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, devices), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (d, _) =>
        {
            for (int s = 1; s <= perDevice; s++)
            {
                var reading = district.Make(d, (ulong)s, 1_000 * d + s);
                if (await district.PublishAsync(reading) is { } why) refused.Add($"{reading.DeviceId}#{s}: {why}");
                else accepted.Add(reading);
            }
        });
        Assert.Empty(refused);
        Assert.Equal(devices * perDevice, accepted.Count);

        // Every accepted reading: a proof from the gateway that verifies offline against the genesis alone.
        var light = LightClients.Trusting(genesis);
        byte[]? sample = null;
        await Parallel.ForEachAsync(accepted, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (reading, _) =>
        {
            var proof = await WaitForProof(node, reading.DeviceId, reading.Sequence);
            var verdict = light.VerifyReading(proof);
            Assert.True(verdict.IsValid, $"{reading.DeviceId}#{reading.Sequence}: {verdict.Reason}");
            Assert.Equal(reading.DeviceId, verdict.Facts!.DeviceId);
            Assert.Equal(reading.Sequence, verdict.Facts.Sequence);
            Assert.Equal(reading.Values, verdict.Facts.Values);
            sample ??= proof;
        });
        output.WriteLine($"{accepted.Count} readings from {devices} devices accepted over MQTT and proven; a proof is {sample!.Length} bytes");

        // Any flipped byte of a proof makes it fail.
        for (int i = 0; i < sample.Length; i++)
        {
            var bad = (byte[])sample.Clone();
            bad[i] ^= 0x01;
            Assert.False(light.VerifyReading(bad).IsValid, $"a proof with byte {i} flipped still verified");
        }

        // Bad readings are refused, each with its reason.
        using var stranger = KeyPair.FromLabel("it-stranger");
        Assert.Contains("bad-signature", await district.PublishAsync(district.Make(1, 10, 1, signer: stranger)) ?? "accepted");
        Assert.Contains("replayed", await district.PublishAsync(district.Make(1, 1, 1)) ?? "accepted");
        var ghost = Reading.Create(genesis.Id, "ghost-0001", 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "energy_import", "Wh", [1], null, stranger);
        Assert.Contains("unknown-device", await district.PublishAsync(ghost) ?? "accepted");
        var revoked = await district.SubmitAndWaitAsync(new DevicesBody.RevokeDevice("dev-0002"), Commit);
        Assert.Equal(TxStatusResponse.OkResult, revoked.Result);
        // The gateway hears of the revocation from the node's event stream; from then on the device is refused.
        string? verdictAfterRevoke = null;
        for (ulong seq = 100; seq < 200 && verdictAfterRevoke is null; seq++)
        {
            verdictAfterRevoke = await district.PublishAsync(district.Make(2, seq, 1));
            if (verdictAfterRevoke is null) await Task.Delay(100);
        }
        Assert.Contains("device-revoked", verdictAfterRevoke ?? "accepted for 10 s after revocation");

        // Only a registered gateway's own account can anchor.
        using var outsiderNode = new NodeClient(devnet.Manifest.Nodes[1].Api);
        var outsider = await TxSubmitter.ForAsync(outsiderNode, devnet.Accounts[1]);
        var ghostAnchor = await outsider.SubmitAsync(DevicesKeys.Module, new DevicesBody.AnchorBatch("gw-ghost", 0, Hash32.Zero, 1, 0, 0).ToBytes());
        Assert.Equal(DevicesResults.NotFound.Name, (await outsider.WaitAsync(ghostAnchor, Commit)).Result);
        var gateway = await node.GatewayAsync("gw-0");
        var foreignAnchor = await outsider.SubmitAsync(DevicesKeys.Module, new DevicesBody.AnchorBatch("gw-0", gateway!.NextBatch, Hash32.Zero, 1, 0, 0).ToBytes());
        Assert.Equal(DevicesResults.Unauthorized.Name, (await outsider.WaitAsync(foreignAnchor, Commit)).Result);
    }

    [Fact]
    public async Task A_gateway_killed_mid_stream_loses_no_accepted_reading_and_anchors_none_twice()
    {
        const int basePort = 22200, devices = 200;
        await using var devnet = CreateDevnet(output, basePort);
        devnet.StartAll();
        await devnet.WaitForHeight(1, TimeSpan.FromSeconds(60));
        var genesis = GenesisFile.Load(devnet.Manifest.Genesis).ToGenesis(CityModules.Create());
        using var gatewayKey = KeyFile.Load(Path.Combine(devnet.Manifest.Nodes[0].Home, "gateway_key.json"));
        using var node0 = new NodeClient(devnet.Manifest.Nodes[0].Api, TimeSpan.FromSeconds(20));
        using var node1 = new NodeClient(devnet.Manifest.Nodes[1].Api, TimeSpan.FromSeconds(20));
        await using var district = new DistrictFixture(genesis.Id, node1, devnet.Accounts[0]);
        await district.RegisterAsync("gw-0", gatewayKey.Address, devices, Commit);

        // Devices publish in a loop; the gateway's node is killed (-9) and restarted in the middle.
        var acknowledged = new ConcurrentBag<Reading>();
        long attempted = 0;
        using var stop = new CancellationTokenSource();
        var publisher = Task.Run(async () =>
        {
            ulong sequence = 0;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await district.ConnectAsync(basePort + 8);
                    while (!stop.IsCancellationRequested)
                    {
                        sequence++;
                        for (int d = 0; d < devices && !stop.IsCancellationRequested; d++)
                        {
                            var reading = district.Make(d, sequence, (long)sequence);
                            Interlocked.Increment(ref attempted);
                            if (await district.PublishAsync(reading) is null) acknowledged.Add(reading);
                        }
                    }
                }
                catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException or OperationCanceledException)
                {
                    await Task.Delay(200);
                }
            }
        });
        await Task.Delay(TimeSpan.FromSeconds(4));
        int beforeKill = acknowledged.Count;
        devnet.Kill(0);
        await Task.Delay(TimeSpan.FromSeconds(2));
        devnet.Start(0);
        await devnet.WaitUntil(async () => acknowledged.Count > beforeKill + devices, TimeSpan.FromSeconds(60), "the restarted gateway accepts readings again");
        await Task.Delay(TimeSpan.FromSeconds(2));
        stop.Cancel();
        await publisher;
        output.WriteLine($"{acknowledged.Count} of {attempted} readings acknowledged; {beforeKill} before the kill");

        // Every acknowledged reading is proven.
        var light = LightClients.Trusting(genesis);
        await Parallel.ForEachAsync(acknowledged, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (reading, _) =>
        {
            var verdict = light.VerifyReading(await WaitForProof(node0, reading.DeviceId, reading.Sequence));
            Assert.True(verdict.IsValid, $"{reading.DeviceId}#{reading.Sequence}: {verdict.Reason}");
        });

        // Batches are numbered without gaps on chain, and together they hold no more readings than were ever sent:
        // a batch anchored twice (or a reading in two batches) would push the sum past what was acknowledged or attempted.
        var gateway = await node1.GatewayAsync("gw-0");
        ulong anchoredReadings = 0;
        ulong height = (await node1.StatusAsync()).Height;
        for (ulong b = 0; b < gateway!.NextBatch; b++)
        {
            var record = await node1.StateAsync(DevicesKeys.Anchor("gw-0", b), height);
            Assert.NotNull(record.Value);
            anchoredReadings += AnchorRecord.Decode(Convert.FromHexString(record.Value!)).Count;
        }
        output.WriteLine($"{gateway.NextBatch} batches anchored, {anchoredReadings} readings in them");
        Assert.InRange(anchoredReadings, (ulong)acknowledged.Count, (ulong)Interlocked.Read(ref attempted));
    }

    private static async Task<byte[]> WaitForProof(NodeClient node, string deviceId, ulong sequence)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            try
            {
                if (await node.ReadingProofAsync(deviceId, sequence) is { } proof) return proof;
            }
            catch (NodeApiException) when (DateTime.UtcNow < deadline)
            {
            }
            Assert.True(DateTime.UtcNow < deadline, $"no proof of {deviceId}#{sequence} within 90 s");
            await Task.Delay(250);
        }
    }
}
