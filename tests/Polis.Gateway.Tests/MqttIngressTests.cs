using System.Net;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Polis.Core.Crypto;
using Polis.Gateway;
using Polis.Modules.Devices;
using static Polis.Gateway.Tests.GatewayTestKit;
using Polis.Testing;

namespace Polis.Gateway.Tests;

public sealed class MqttIngressTests
{
    private static int Port() => 21_000 + Random.Shared.Next(2_000);

    /// <summary>The one data concentrator the test gateway admits.</summary>
    private static readonly KeyPair Concentrator = KeyPair.FromLabel("gw-test-concentrator");

    /// <summary>A gateway (fake directory and chain) whose embedded broker listens on 127.0.0.1:<paramref name="port"/>, started.</summary>
    private static async Task<GatewayService> StartWithBroker(string directory, int port)
    {
        var config = TestConfig("gateway-data");
        config.MqttListen = $"127.0.0.1:{port}";
        config.MqttConcentrators = [Concentrator.PublicKey.ToString()];
        var gateway = Open(directory, Directory(), new FakeChain(), config);
        await gateway.StartAsync();
        return gateway;
    }

    /// <summary>An MQTT 5 client of device <paramref name="deviceId"/> (signed with <paramref name="key"/>, Meter by default), connected to the broker on <paramref name="port"/>.</summary>
    private static async Task<IMqttClient> ConnectAsync(int port, string deviceId, KeyPair? key = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(DeviceOptions(port, deviceId, key ?? Meter));
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return client;
    }

    private static MqttClientOptions DeviceOptions(int port, string deviceId, KeyPair key, string? clientId = null, long? timeMs = null)
    {
        var (user, password) = MqttConnectProof.ForDevice(ChainId, GatewayId, deviceId, key, timeMs ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        return new MqttClientFactory().CreateClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId ?? deviceId).WithCredentials(user, password).Build();
    }

    private static MqttClientOptions ConcentratorOptions(int port, KeyPair key, string clientId = "concentrator.1", string gatewayId = GatewayId)
    {
        var (user, password) = MqttConnectProof.ForConcentrator(ChainId, gatewayId, clientId, key, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        return new MqttClientFactory().CreateClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId).WithCredentials(user, password).Build();
    }

    /// <summary>The connect's result code; a refused connect is an exception in MQTTnet, its code inside.</summary>
    private static async Task<MqttClientConnectResultCode> TryConnect(MqttClientOptions options)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            var result = await client.ConnectAsync(options);
            if (result.ResultCode == MqttClientConnectResultCode.Success) await client.DisconnectAsync();
            return result.ResultCode;
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException e)
        {
            // MQTTnet 5 throws on a refused CONNECT and keeps the CONNACK's code only in the message.
            foreach (var code in Enum.GetValues<MqttClientConnectResultCode>())
                if (e.Message.Contains(code.ToString(), StringComparison.Ordinal)) return code;
            throw;
        }
    }

    /// <summary>Subscribes the client to a topic; the list fills with what arrives there (lock it to read).</summary>
    private static async Task<List<MqttApplicationMessage>> CollectAsync(IMqttClient client, string topic)
    {
        var received = new List<MqttApplicationMessage>();
        client.ApplicationMessageReceivedAsync += e => { lock (received) received.Add(e.ApplicationMessage); return Task.CompletedTask; };
        await client.SubscribeAsync(new MqttClientFactory().CreateSubscribeOptionsBuilder().WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return received;
    }

    [Fact]
    public async Task The_embedded_broker_answers_each_publish_with_the_readings_verdict_in_the_puback_and_keeps_the_device_connected()
    {
        using var dir = new TempDirectory();
        int port = Port();
        await using var gateway = await StartWithBroker(dir.Path, port);

        using var client = await ConnectAsync(port, "meter-1");
        var replies = await CollectAsync(client, "polis/replies/meter-1");

        MqttApplicationMessage Publish(byte[] payload, string device = "meter-1") => new MqttApplicationMessageBuilder()
            .WithTopic(MqttReadings.TopicPrefix + device).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithResponseTopic("polis/replies/meter-1").Build();

        var good = await client.PublishAsync(Publish(ReadingOf("meter-1", 1, Meter).Encoded));
        Assert.True(good.IsSuccess, $"{good.ReasonCode} {good.ReasonString}");

        var forged = await client.PublishAsync(Publish(ReadingOf("meter-1", 2, Other).Encoded));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forged.ReasonCode);
        Assert.StartsWith("bad-signature", forged.ReasonString);

        var garbage = await client.PublishAsync(Publish([1, 2, 3]));
        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, garbage.ReasonCode);

        // Another device's topic is not this device's to publish on (no verdict, no reply).
        var elsewhere = await client.PublishAsync(Publish(ReadingOf("meter-1", 3, Meter).Encoded, device: "meter-2"));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, elsewhere.ReasonCode);
        Assert.Contains("own topic", elsewhere.ReasonString);

        var replayed = await client.PublishAsync(Publish(ReadingOf("meter-1", 1, Meter, value: 5).Encoded));
        Assert.Equal(MqttClientPublishReasonCode.ImplementationSpecificError, replayed.ReasonCode);
        Assert.StartsWith("replayed", replayed.ReasonString);

        Assert.True(client.IsConnected);
        var next = await client.PublishAsync(Publish(ReadingOf("meter-1", 4, Meter).Encoded));
        Assert.True(next.IsSuccess);
        Assert.Equal(2UL, gateway.Store.NextOrder);

        // Every publish the gateway judged, with a response topic, also got a JSON reply there.
        for (int i = 0; i < 100 && replies.Count < 5; i++) await Task.Delay(20);
        lock (replies) Assert.Equal(5, replies.Count);
        await client.DisconnectAsync();
    }

    /// <summary>A stock MQTT 5 client sends no client id: with the password `polis device mqtt-password` prints, the broker assigns the device id.</summary>
    [Fact]
    public async Task A_device_without_a_client_id_is_assigned_its_device_id_and_publishes()
    {
        using var dir = new TempDirectory();
        int port = Port();
        await using var gateway = await StartWithBroker(dir.Path, port);
        var (user, password) = MqttConnectProof.ForDeviceAssignedId(ChainId, GatewayId, "meter-1", Meter, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        using var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(new MqttClientFactory().CreateClientOptionsBuilder().WithTcpServer("127.0.0.1", port)
            .WithProtocolVersion(MqttProtocolVersion.V500).WithClientId("").WithCredentials(user, password).Build());
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        Assert.Equal("meter-1", result.AssignedClientIdentifier);
        Assert.Equal((uint)GatewayLimits.MqttPacketBytesMax, result.MaximumPacketSize); // advertised in the CONNACK
        var published = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(MqttReadings.TopicPrefix + "meter-1")
            .WithPayload(ReadingOf("meter-1", 1, Meter).Encoded).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.True(published.IsSuccess, $"{published.ReasonCode} {published.ReasonString}");
        // The same password does not let another client id in: it was signed for none.
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await TryConnect(new MqttClientFactory().CreateClientOptionsBuilder().WithTcpServer("127.0.0.1", port)
            .WithProtocolVersion(MqttProtocolVersion.V500).WithClientId("meter-1").WithCredentials(user, password).Build()));
        await client.DisconnectAsync();
    }

    /// <summary>As with an external broker: a refused reading without a response topic is published on the device's rejections topic, which only it (and a concentrator) may read.</summary>
    [Fact]
    public async Task A_refusal_is_published_on_the_devices_rejections_topic_as_an_external_broker_does()
    {
        using var dir = new TempDirectory();
        int port = Port();
        await using var gateway = await StartWithBroker(dir.Path, port);
        using var device = await ConnectAsync(port, "meter-1");
        var rejections = await CollectAsync(device, MqttReadings.RejectionsPrefix + "meter-1");
        var forged = await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(MqttReadings.TopicPrefix + "meter-1")
            .WithPayload(ReadingOf("meter-1", 1, Other).Encoded).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forged.ReasonCode);
        for (int i = 0; i < 100 && rejections.Count == 0; i++) await Task.Delay(20);
        lock (rejections)
        {
            var rejection = Assert.Single(rejections);
            Assert.Contains("bad-signature", System.Text.Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(rejection.Payload)));
        }
        var elsewhere = await device.SubscribeAsync(MqttReadings.RejectionsPrefix + "meter-2");
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, elsewhere.Items.Single().ResultCode);
        using var concentrator = new MqttClientFactory().CreateMqttClient();
        Assert.Equal(MqttClientConnectResultCode.Success, (await concentrator.ConnectAsync(ConcentratorOptions(port, Concentrator))).ResultCode);
        var all = await concentrator.SubscribeAsync(MqttReadings.RejectionsPrefix + "+");
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS0, all.Items.Single().ResultCode);
    }

    [Fact]
    public async Task A_devices_backlog_in_one_message_is_judged_reading_by_reading_and_summed_up_in_the_puback()
    {
        using var dir = new TempDirectory();
        int port = Port();
        await using var gateway = await StartWithBroker(dir.Path, port);

        using var device = await ConnectAsync(port, "meter-1");
        var replies = await CollectAsync(device, "polis/replies/meter-1");

        MqttApplicationMessage Batch(byte[] payload) => new MqttApplicationMessageBuilder()
            .WithTopic(MqttReadings.TopicPrefix + "meter-1").WithPayload(payload).WithContentType(ReadingsRequest.BatchContentType)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithResponseTopic("polis/replies/meter-1").Build();
        byte[] Of(params Polis.Modules.Devices.Reading[] readings) => ReadingsRequest.EncodeBatch(readings.Select(r => r.Encoded).ToArray());

        var whole = await device.PublishAsync(Batch(Of(ReadingOf("meter-1", 1, Meter), ReadingOf("meter-1", 2, Meter), ReadingOf("meter-1", 3, Meter))));
        Assert.True(whole.IsSuccess, $"{whole.ReasonCode} {whole.ReasonString}");
        Assert.Equal("accepted: all 3 readings stored", whole.ReasonString);
        Assert.Equal(3UL, gateway.Store.NextOrder);

        // A forged reading and one of another device in the middle: the rest is stored, the PUBACK names the first failure.
        var mixed = await device.PublishAsync(Batch(Of(ReadingOf("meter-1", 4, Meter), ReadingOf("meter-1", 5, Other), ReadingOf("meter-2", 1, Other), ReadingOf("meter-1", 6, Meter))));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, mixed.ReasonCode);
        Assert.StartsWith("bad-signature: 2 of 4 readings stored; reading 1:", mixed.ReasonString);
        Assert.Equal(5UL, gateway.Store.NextOrder);
        Assert.NotNull(gateway.Store.OrderOf("meter-1", 6));
        Assert.Null(gateway.Store.OrderOf("meter-1", 5));
        Assert.Null(gateway.Store.OrderOf("meter-2", 1));

        var cut = Of(ReadingOf("meter-1", 7, Meter))[..^10];
        var malformed = await device.PublishAsync(Batch(cut));
        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, malformed.ReasonCode);
        Assert.StartsWith("malformed: reading 0 is longer than the rest of the body", malformed.ReasonString);
        var empty = await device.PublishAsync(Batch([0, 0, 0, 0]));
        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, empty.ReasonCode);
        Assert.Equal(5UL, gateway.Store.NextOrder);

        // The reply of the mixed batch lists every reading's result, as POST /v1/readings does.
        for (int i = 0; i < 100 && replies.Count < 4; i++) await Task.Delay(20);
        string mixedReply;
        lock (replies)
        {
            Assert.Equal(4, replies.Count);
            mixedReply = replies[1].ConvertPayloadToString();
        }
        var results = System.Text.Json.JsonDocument.Parse(mixedReply).RootElement;
        Assert.Equal(2, results.GetProperty("accepted").GetInt32());
        Assert.Equal(["accepted", "bad-signature", "topic-mismatch", "accepted"],
            results.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("reason").GetString()!).ToArray());
        Assert.True(device.IsConnected);
    }

    [Fact]
    public async Task The_embedded_broker_drops_a_connection_that_announces_an_oversized_packet_and_serves_the_others()
    {
        using var dir = new TempDirectory();
        int port = Port();
        await using var gateway = await StartWithBroker(dir.Path, port);

        using var raw = new System.Net.Sockets.TcpClient();
        await raw.ConnectAsync("127.0.0.1", port);
        var stream = raw.GetStream();
        await stream.WriteAsync(RawConnect("meter-2", Other));
        var connack = new byte[256];
        Assert.True(await stream.ReadAsync(connack) >= 4);
        Assert.Equal(0x20, connack[0]);
        Assert.Equal(0x00, connack[3]); // accepted: the oversized packet below comes from an authenticated device
        // A PUBLISH announcing 200 MB: the broker must hang up instead of waiting to buffer it, and
        // (MQTT 5) say why first: DISCONNECT with reason 0x95, packet too large.
        await stream.WriteAsync(new byte[] { 0x30, 0x80, 0x84, 0xAF, 0x5F, 0x00, 0x03, (byte)'a', (byte)'/', (byte)'b' });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new List<byte>();
        var chunk = new byte[64];
        while (true)
        {
            int read;
            try { read = await stream.ReadAsync(chunk, timeout.Token); }
            catch (IOException) { read = 0; }
            if (read == 0) break;
            received.AddRange(chunk[..read]);
        }
        Assert.Equal(new byte[] { 0xE0, 0x02, 0x95, 0x00 }, received);

        using var device = await ConnectAsync(port, "meter-1");
        var ok = await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(MqttReadings.TopicPrefix + "meter-1")
            .WithPayload(ReadingOf("meter-1", 1, Meter).Encoded).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.True(ok.IsSuccess, $"{ok.ReasonCode} {ok.ReasonString}");
    }

    /// <summary>An MQTT 5 CONNECT (clean start, keep-alive 60 s) of a device, with its signed password, written by hand.</summary>
    private static byte[] RawConnect(string deviceId, KeyPair key)
    {
        var (user, password) = MqttConnectProof.ForDevice(ChainId, GatewayId, deviceId, key, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        static byte[] Str(string s) { var b = System.Text.Encoding.UTF8.GetBytes(s); return [(byte)(b.Length >> 8), (byte)b.Length, .. b]; }
        byte[] variable = [0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x05, 0xC2, 0x00, 0x3C, 0x00];
        byte[] body = [.. variable, .. Str(deviceId), .. Str(user), .. Str(password)];
        Assert.True(body.Length < 128 * 128);
        byte[] length = body.Length < 128 ? [(byte)body.Length] : [(byte)(0x80 | (body.Length & 0x7F)), (byte)(body.Length >> 7)];
        return [0x10, .. length, .. body];
    }

    /// <summary>
    /// The broker is not open: a client proves a device's key (or a listed concentrator's) at
    /// CONNECT, cannot take over another device's session, subscribe beyond its own replies, retain
    /// messages, publish on another device's topic, or have the gateway publish anywhere but its
    /// own reply topic.
    /// </summary>
    [Fact]
    public async Task A_hostile_mqtt_client_can_neither_connect_unproven_nor_reach_beyond_its_own_topics()
    {
        using var dir = new TempDirectory();
        int port = Port();
        await using var gateway = await StartWithBroker(dir.Path, port);
        var factory = new MqttClientFactory();
        var anonymous = factory.CreateClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500).WithClientId("meter-1").Build();
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await TryConnect(anonymous));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await TryConnect(DeviceOptions(port, "meter-1", Other)));            // not its key
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await TryConnect(DeviceOptions(port, "meter-1", Meter, clientId: "x")));   // another client id
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await TryConnect(DeviceOptions(port, "meter-old", Other)));         // revoked
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized,
            await TryConnect(DeviceOptions(port, "meter-1", Meter, timeMs: DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - GatewayLimits.MqttConnectSkewMs - 60_000))); // a replayed old password
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await TryConnect(ConcentratorOptions(port, Other)));              // not listed
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await TryConnect(ConcentratorOptions(port, Concentrator, clientId: "meter-1")));  // a device's session
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await TryConnect(ConcentratorOptions(port, Concentrator, clientId: "concentrator.#")));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await TryConnect(ConcentratorOptions(port, Concentrator, gatewayId: "gw-elsewhere"))); // signed for another gateway

        using var device = await ConnectAsync(port, "meter-1");
        // Taking over its session needs its key: the device stays connected.
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await TryConnect(DeviceOptions(port, "meter-1", Other)));
        Assert.True(device.IsConnected);

        var everything = await device.SubscribeAsync(factory.CreateSubscribeOptionsBuilder().WithTopicFilter("#").WithTopicFilter("polis/replies/meter-2").Build());
        Assert.All(everything.Items, item => Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, item.ResultCode));

        MqttApplicationMessageBuilder Reading(ulong sequence, string device = "meter-1") => new MqttApplicationMessageBuilder()
            .WithTopic(MqttReadings.TopicPrefix + device).WithPayload(ReadingOf("meter-1", sequence, Meter).Encoded).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        var retained = await device.PublishAsync(Reading(1).WithRetainFlag().Build());
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, retained.ReasonCode);
        var redirected = await device.PublishAsync(Reading(1).WithResponseTopic(MqttReadings.TopicPrefix + "meter-2").Build());
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, redirected.ReasonCode);
        var other = await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("city/anything").WithPayload([1]).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, other.ReasonCode);
        Assert.Equal(0UL, gateway.Store.NextOrder);
        var good = await device.PublishAsync(Reading(1).Build());
        Assert.True(good.IsSuccess, $"{good.ReasonCode} {good.ReasonString}");

        // A listed concentrator relays several devices' readings, each still judged by its own signature.
        using var concentrator = factory.CreateMqttClient();
        Assert.Equal(MqttClientConnectResultCode.Success, (await concentrator.ConnectAsync(ConcentratorOptions(port, Concentrator))).ResultCode);
        var relayed = await concentrator.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(MqttReadings.TopicPrefix + "meter-2")
            .WithPayload(ReadingOf("meter-2", 1, Other).Encoded).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.True(relayed.IsSuccess, $"{relayed.ReasonCode} {relayed.ReasonString}");
        Assert.Equal(2UL, gateway.Store.NextOrder);
    }
}
