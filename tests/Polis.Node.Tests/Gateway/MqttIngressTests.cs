using System.Net;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Polis.Node.Gateway;
using static Polis.Node.Tests.Gateway.GatewayTestKit;

namespace Polis.Node.Tests.Gateway;

public sealed class MqttIngressTests
{
    private static int Port() => 21_000 + Random.Shared.Next(2_000);

    [Fact]
    public async Task The_embedded_broker_answers_each_publish_with_the_readings_verdict_in_the_puback_and_keeps_the_device_connected()
    {
        using var dir = new TempDirectory();
        int port = Port();
        var config = TestConfig("gateway-data");
        config.MqttListen = $"127.0.0.1:{port}";
        await using var gateway = Open(dir.Path, Directory(), new FakeChain(), config);
        await gateway.StartAsync();

        var factory = new MqttClientFactory();
        using var client = factory.CreateMqttClient();
        await client.ConnectAsync(factory.CreateClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500).WithClientId("meter-1").Build());
        var replies = new List<MqttApplicationMessage>();
        client.ApplicationMessageReceivedAsync += e => { lock (replies) replies.Add(e.ApplicationMessage); return Task.CompletedTask; };
        await client.SubscribeAsync(factory.CreateSubscribeOptionsBuilder().WithTopicFilter("replies/meter-1", MqttQualityOfServiceLevel.AtLeastOnce).Build());

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
}
