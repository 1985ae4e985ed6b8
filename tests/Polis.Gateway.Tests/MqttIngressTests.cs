using System.Net;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Polis.Gateway;
using static Polis.Gateway.Tests.GatewayTestKit;
using Polis.Testing;

namespace Polis.Gateway.Tests;

public sealed class MqttIngressTests
{
    private static int Port() => 21_000 + Random.Shared.Next(2_000);

    /// <summary>A gateway (fake directory and chain) whose embedded broker listens on 127.0.0.1:<paramref name="port"/>, started.</summary>
    private static async Task<GatewayService> StartWithBroker(string directory, int port)
    {
        var config = TestConfig("gateway-data");
        config.MqttListen = $"127.0.0.1:{port}";
        var gateway = Open(directory, Directory(), new FakeChain(), config);
        await gateway.StartAsync();
        return gateway;
    }

    /// <summary>An MQTT 5 client connected to the broker on <paramref name="port"/>.</summary>
    private static async Task<IMqttClient> ConnectAsync(int port, string clientId)
    {
        var factory = new MqttClientFactory();
        var client = factory.CreateMqttClient();
        await client.ConnectAsync(factory.CreateClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500).WithClientId(clientId).Build());
        return client;
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
        var replies = await CollectAsync(client, "replies/meter-1");

        MqttApplicationMessage Publish(byte[] payload, string device = "meter-1") => new MqttApplicationMessageBuilder()
            .WithTopic(MqttReadings.TopicPrefix + device).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithResponseTopic("replies/meter-1").Build();

        var good = await client.PublishAsync(Publish(ReadingOf("meter-1", 1, Meter).Encoded));
        Assert.True(good.IsSuccess, $"{good.ReasonCode} {good.ReasonString}");

        var forged = await client.PublishAsync(Publish(ReadingOf("meter-1", 2, Other).Encoded));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forged.ReasonCode);
        Assert.StartsWith("bad-signature", forged.ReasonString);

        var garbage = await client.PublishAsync(Publish([1, 2, 3]));
        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, garbage.ReasonCode);

        var mismatch = await client.PublishAsync(Publish(ReadingOf("meter-1", 3, Meter).Encoded, device: "meter-2"));
        Assert.Equal(MqttClientPublishReasonCode.TopicNameInvalid, mismatch.ReasonCode);

        var replayed = await client.PublishAsync(Publish(ReadingOf("meter-1", 1, Meter, value: 5).Encoded));
        Assert.Equal(MqttClientPublishReasonCode.ImplementationSpecificError, replayed.ReasonCode);
        Assert.StartsWith("replayed", replayed.ReasonString);

        Assert.True(client.IsConnected);
        var next = await client.PublishAsync(Publish(ReadingOf("meter-1", 4, Meter).Encoded));
        Assert.True(next.IsSuccess);
        Assert.Equal(2UL, gateway.Store.NextOrder);

        // Every publish with a response topic also got a JSON reply there.
        for (int i = 0; i < 100 && replies.Count < 6; i++) await Task.Delay(20);
        lock (replies) Assert.Equal(6, replies.Count);
        await client.DisconnectAsync();
    }

    [Fact]
    public async Task A_devices_backlog_in_one_message_is_judged_reading_by_reading_and_summed_up_in_the_puback()
    {
        using var dir = new TempDirectory();
        int port = Port();
        await using var gateway = await StartWithBroker(dir.Path, port);

        using var device = await ConnectAsync(port, "meter-1");
        using var watcher = await ConnectAsync(port, "watcher");
        var replies = await CollectAsync(device, "replies/meter-1");
        var passedOn = await CollectAsync(watcher, MqttReadings.TopicPrefix + "meter-1");

        MqttApplicationMessage Batch(byte[] payload) => new MqttApplicationMessageBuilder()
            .WithTopic(MqttReadings.TopicPrefix + "meter-1").WithPayload(payload).WithContentType(ReadingsRequest.BatchContentType)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithResponseTopic("replies/meter-1").Build();
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
        // Only the wholly accepted batch was passed on to the topic's subscribers.
        int PassedOn() { lock (passedOn) return passedOn.Count; }
        for (int i = 0; i < 25 && PassedOn() < 1; i++) await Task.Delay(20);
        await Task.Delay(100);
        Assert.Equal(1, PassedOn());
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
        byte[] connect = [0x10, 0x10, 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x05, 0x02, 0x00, 0x3C, 0x00, 0x00, 0x03, (byte)'b', (byte)'i', (byte)'g'];
        await stream.WriteAsync(connect);
        var connack = new byte[16];
        Assert.True(await stream.ReadAsync(connack) >= 4);
        Assert.Equal(0x20, connack[0]);
        // A PUBLISH announcing 200 MB: the broker must hang up instead of waiting to buffer it.
        await stream.WriteAsync(new byte[] { 0x30, 0x80, 0x84, 0xAF, 0x5F, 0x00, 0x03, (byte)'a', (byte)'/', (byte)'b' });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int read;
        try { read = await stream.ReadAsync(new byte[64], timeout.Token); }
        catch (IOException) { read = 0; }
        Assert.Equal(0, read);

        using var device = await ConnectAsync(port, "meter-1");
        var ok = await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(MqttReadings.TopicPrefix + "meter-1")
            .WithPayload(ReadingOf("meter-1", 1, Meter).Encoded).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.True(ok.IsSuccess, $"{ok.ReasonCode} {ok.ReasonString}");
    }
}
