using System.Collections.Concurrent;
using Polis.Modules.Devices;
using System.Diagnostics;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;
using Polis.Devnet.District;
using Polis.Client.Api;
using Polis.Client.Config;
using Polis.Client.Light;
using Polis.Core.Crypto;
using Xunit.Abstractions;
using Polis.City;
using Polis.Modules;
using Polis.Testing;

namespace Polis.Integration.Tests;

/// <summary>
/// The gateway as a client of an external broker (Mosquitto, the reference), configured as
/// docs/devices.md says: no anonymous clients, a password per client, and the ACL that keeps a
/// device to its own topic. Devices publish to the broker, the gateway subscribes; accepted
/// readings are anchored and proven, and a rejection comes back as a message on the device's
/// rejections topic. A hostile client gets nowhere the ACL does not let it.
/// </summary>
public sealed class ExternalBrokerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Readings_through_mosquitto_are_anchored_and_proven_and_rejections_are_published()
    {
        Assert.True(Mosquitto.EnsureInstalled(), $"Mosquitto is not at {Mosquitto.Path} and could not be installed (apt-get install mosquitto)");
        const int basePort = 22300, brokerPort = 22390;
        string brokerDir = Path.Combine(Path.GetTempPath(), $"polis-mosquitto-{Guid.NewGuid():N}");
        Directory.CreateDirectory(brokerDir);
        string conf = Path.Combine(brokerDir, "mosquitto.conf");
        string passwd = Path.Combine(brokerDir, "passwd"), acl = Path.Combine(brokerDir, "acl");
        var users = new (string User, string Password)[] { ("polis-gateway-gw-ext", "gw-secret"), ("district", "district-secret"), ("operator", "operator-secret"), ("dev-0000", "dev-secret") };
        foreach (var (user, password) in users)
        {
            using var add = Process.Start(new ProcessStartInfo("/usr/bin/mosquitto_passwd", [.. (File.Exists(passwd) ? Array.Empty<string>() : ["-c"]), "-b", passwd, user, password]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            Assert.True(add.WaitForExit(10_000) && add.ExitCode == 0, $"mosquitto_passwd failed for {user}");
        }
        // The ACL of docs/devices.md, plus the test's concentrator (district) and an operator who reads rejections.
        File.WriteAllText(acl, """
            user polis-gateway-gw-ext
            topic read polis/readings/+
            topic write polis/replies/#
            topic write polis/rejections/#
            user district
            topic write polis/readings/+
            user operator
            topic read polis/rejections/#
            pattern write polis/readings/%u
            pattern read polis/replies/%u
            """);
        File.WriteAllText(conf, $"listener {brokerPort} 127.0.0.1\nallow_anonymous false\npassword_file {passwd}\nacl_file {acl}\npersistence false\n");
        using var broker = Process.Start(new ProcessStartInfo(Mosquitto.Path, ["-c", conf]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        try
        {
            await using var devnet = TestDevnet.Create(output, basePort, accounts: 2, perNode: (i, home, config) =>
            {
                if (i != 0) return;
                Directory.CreateDirectory(home.Directory);
                using (var key = KeyPair.FromLabel("it-external-gateway")) KeyFile.Save(Path.Combine(home.Directory, "gateway_key.json"), key);
                GatewaySetup.Enable(config, "gw-ext", "gateway_key.json", "");
                config.Gateway!.MqttBroker = $"127.0.0.1:{brokerPort}";
                config.Gateway.MqttBrokerUser = "polis-gateway-gw-ext";
                config.Gateway.MqttBrokerPasswordFile = "broker_password";
                File.WriteAllText(Path.Combine(home.Directory, "broker_password"), "gw-secret\n");
            });
            devnet.StartAll();
            await devnet.WaitForHeight(1, TimeSpan.FromSeconds(60));
            using var node = new NodeClient(devnet.Manifest.Nodes[0].Api, TimeSpan.FromSeconds(20));
            var genesis = GenesisFile.Load(devnet.Manifest.Genesis).ToGenesis(CityModules.Create());
            using var gatewayKey = KeyFile.Load(Path.Combine(devnet.Manifest.Nodes[0].Home, "gateway_key.json"));
            await using var district = new DistrictFixture(genesis.Id, node, devnet.Accounts[0]);
            await district.RegisterAsync("gw-ext", gatewayKey.Address, 20, TimeSpan.FromSeconds(60));

            // Someone listening for rejections, as a device's operator would.
            var rejections = new ConcurrentQueue<string>();
            using var listener = new MqttClientFactory().CreateMqttClient();
            listener.ApplicationMessageReceivedAsync += e =>
            {
                rejections.Enqueue($"{e.ApplicationMessage.Topic} {Encoding.UTF8.GetString(e.ApplicationMessage.Payload)}");
                return Task.CompletedTask;
            };
            await listener.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", brokerPort).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
                .WithCredentials("operator", "operator-secret").Build());
            await listener.SubscribeAsync("polis/rejections/#", MqttQualityOfServiceLevel.AtLeastOnce);

            // A hostile client: without a password it is refused; as device dev-0000 it can neither
            // publish as another device nor read anything but its own replies.
            using (var anonymous = new MqttClientFactory().CreateMqttClient())
            {
                try
                {
                    var result = await anonymous.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", brokerPort)
                        .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
                    Assert.NotEqual(MqttClientConnectResultCode.Success, result.ResultCode);
                }
                catch (MQTTnet.Adapter.MqttConnectingFailedException)
                {
                    // MQTTnet may throw on a refused CONNECT instead of returning its code: refused either way.
                }
                Assert.False(anonymous.IsConnected);
            }
            await district.ConnectAsync(brokerPort, ("district", "district-secret"));
            var good = Enumerable.Range(0, 20).Select(d => district.Make(d, 1, d)).ToList();
            foreach (var reading in good) Assert.Null(await district.PublishAsync(reading)); // the broker acknowledges; the gateway decides later
            using var stranger = KeyPair.FromLabel("it-external-stranger");
            await district.PublishAsync(district.Make(3, 2, 1, signer: stranger));

            var light = LightClients.Trusting(genesis);
            async Task Proven(IEnumerable<Reading> readings)
            {
                foreach (var reading in readings)
                {
                    byte[]? proof = null;
                    await devnet.WaitUntil(async () => (proof = await TryProof(node, reading.DeviceId, reading.Sequence)) is not null, TimeSpan.FromSeconds(60),
                        $"{reading.DeviceId}#{reading.Sequence} is anchored through the external broker");
                    var verdict = light.VerifyReading(proof!);
                    Assert.True(verdict.IsValid, verdict.Reason);
                }
            }
            await Proven(good);

            // Backlogs in one message each, passed on by Mosquitto with their content type: one whole,
            // one with a forged reading in the middle (the others of it are still stored). Sent once
            // the devices' first readings are anchored: the gateway takes a device's readings in order.
            var backlog = Enumerable.Range(2, 3).Select(s => district.Make(5, (ulong)s, s)).ToList();
            Assert.Null(await district.PublishBacklogAsync(backlog));
            var mixed = new[] { district.Make(6, 2, 1), district.Make(6, 3, 1, signer: stranger), district.Make(6, 4, 1) };
            Assert.Null(await district.PublishBacklogAsync(mixed));
            await Proven([.. backlog, mixed[0], mixed[2]]);
            await devnet.WaitUntil(() => Task.FromResult(rejections.Any(r => r.StartsWith("polis/rejections/dev-0003", StringComparison.Ordinal) && r.Contains("bad-signature"))),
                TimeSpan.FromSeconds(30), "the forged reading's rejection is published on polis/rejections/dev-0003");
            await devnet.WaitUntil(() => Task.FromResult(rejections.Any(r => r.StartsWith("polis/rejections/dev-0006", StringComparison.Ordinal)
                    && r.Contains("\"accepted\":2", StringComparison.Ordinal) && r.Contains("bad-signature", StringComparison.Ordinal))),
                TimeSpan.FromSeconds(30), "the mixed backlog's results (2 stored, 1 bad signature) are published on polis/rejections/dev-0006");
            // As device dev-0000 a client can neither publish as another device nor read what the
            // ACL does not give it: subscribed to everything, it gets its own reply and nothing else.
            using (var device = new MqttClientFactory().CreateMqttClient())
            {
                var seen = new ConcurrentQueue<string>();
                device.ApplicationMessageReceivedAsync += e => { seen.Enqueue(e.ApplicationMessage.Topic); return Task.CompletedTask; };
                await device.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", brokerPort).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
                    .WithClientId("dev-0000").WithCredentials("dev-0000", "dev-secret").Build());
                await device.SubscribeAsync(new MqttClientFactory().CreateSubscribeOptionsBuilder().WithTopicFilter("#").Build());
                var asAnother = await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("polis/readings/dev-0001")
                    .WithPayload(district.Make(1, 50, 1).Encoded).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
                Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, asAnother.ReasonCode);
                var own = await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("polis/readings/dev-0000").WithResponseTopic("polis/replies/dev-0000")
                    .WithPayload(district.Make(0, 50, 1).Encoded).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
                Assert.True(own.IsSuccess, $"{own.ReasonCode} {own.ReasonString}");
                await devnet.WaitUntil(() => Task.FromResult(seen.Contains("polis/replies/dev-0000")), TimeSpan.FromSeconds(30), "the gateway's verdict reaches dev-0000's reply topic");
                Assert.Equal(["polis/replies/dev-0000"], seen.Distinct());
            }
            output.WriteLine($"{good.Count + 5} readings anchored and proven through Mosquitto; rejection: {rejections.First()}");
        }
        finally
        {
            if (!broker.HasExited) broker.Kill();
            broker.WaitForExit(5_000);
            try { Directory.Delete(brokerDir, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<byte[]?> TryProof(NodeClient node, string deviceId, ulong sequence)
    {
        try { return await node.ReadingProofAsync(deviceId, sequence); }
        catch (NodeApiException) { return null; }
    }
}
