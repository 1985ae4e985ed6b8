using System.Net;
using Microsoft.Extensions.Logging;
using MQTTnet.Packets;
using MQTTnet.Server;
using Polis.City.Telemetry;

namespace Polis.Node.Gateway;

/// <summary>
/// The embedded MQTT broker (MQTTnet 5), so a devnet needs nothing installed. Every publish to
/// <c>polis/readings/{deviceId}</c> goes through the reading pipeline before the broker answers:
/// an MQTT 5 device gets the verdict in its PUBACK (reason code, reason string, user property
/// <c>polis-reason</c>) and stays connected; a message with a response topic also gets a JSON reply
/// there. Accepted readings are delivered on to subscribers of the topic; rejected ones are not.
/// Other topics are an ordinary broker's business. One connection's publishes are handled in turn
/// (MQTTnet reads a connection sequentially), so throughput grows with the number of devices.
/// </summary>
public sealed class EmbeddedMqttBroker(IPEndPoint listen, ReadingPipeline pipeline, ILogger log) : IAsyncDisposable
{
    private MqttServer? _server;

    public IPEndPoint Listen => listen;

    public async Task StartAsync()
    {
        var factory = new MqttServerFactory();
        var options = factory.CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(listen.Address)
            .WithDefaultEndpointPort(listen.Port)
            .Build();
        _server = factory.CreateMqttServer(options);
        _server.InterceptingPublishAsync += OnPublishAsync;
        await _server.StartAsync();
        log.LogInformation("gateway: MQTT broker on {Endpoint}; devices publish to {Topic}{{deviceId}}", listen, MqttReadings.TopicPrefix);
    }

    private async Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        var message = e.ApplicationMessage;
        if (!MqttReadings.IsReadingsTopic(message.Topic, out string? deviceId)) return;
        ReadingOutcome outcome;
        if (deviceId is null) outcome = pipeline.Reject(new ReadingOutcome(ReadingReason.TopicMismatch, null, 0, $"topic '{Truncate(message.Topic)}' does not name a valid device id"));
        else if (MqttReadings.Payload(message, Reading.EncodedBytesMax) is not { } payload) outcome = pipeline.Reject(ReadingOutcome.Malformed($"a reading is at most {Reading.EncodedBytesMax} bytes"));
        else outcome = await pipeline.SubmitAsync(payload, deviceId, e.CancellationToken);

        e.ProcessPublish = outcome.Reason == ReadingReason.Accepted;
        e.Response.ReasonCode = outcome.Reason.PubAckCode();
        e.Response.ReasonString = MqttReadings.ReasonString(outcome);
        e.Response.UserProperties = [new MqttUserProperty(MqttReadings.ReasonProperty, outcome.Reason.Utf8Name())];
        string? replyTo = message.ResponseTopic;
        if (!string.IsNullOrEmpty(replyTo) && !replyTo.StartsWith(MqttReadings.TopicPrefix, StringComparison.Ordinal) && _server is not null)
        {
            try
            {
                var reply = MqttReadings.Reply(replyTo, outcome, message.CorrelationData);
                await _server.InjectApplicationMessage(new InjectedMqttApplicationMessage(reply) { SenderClientId = "polis-gateway" }, e.CancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogDebug("gateway: reply to {Topic} failed: {Message}", replyTo, ex.Message);
            }
        }
    }

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "…";

    public async ValueTask DisposeAsync()
    {
        if (_server is null) return;
        try { await _server.StopAsync(new MqttServerStopOptions()); }
        catch (Exception e) { log.LogDebug("gateway: MQTT broker stop: {Message}", e.Message); }
        _server.Dispose();
        _server = null;
    }
}
