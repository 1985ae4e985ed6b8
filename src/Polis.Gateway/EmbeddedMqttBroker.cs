using System.Net;
using Microsoft.Extensions.Logging;
using MQTTnet.Packets;
using MQTTnet.Server;

namespace Polis.Gateway;

/// <summary>
/// The embedded MQTT broker (MQTTnet 5), so a devnet needs nothing installed. Every publish to
/// <c>polis/readings/{deviceId}</c> goes through the reading pipeline before the broker answers:
/// an MQTT 5 device gets the verdict in its PUBACK (reason code, reason string, user property
/// <c>polis-reason</c>) and stays connected; a message with a response topic also gets a JSON reply
/// there. A message may also carry a device's backlog (see <see cref="MqttSubmission"/>). A message
/// whose readings were all accepted is delivered on to subscribers of the topic; others are not.
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
        // Devices connect through our listener, which bounds a packet's size before it is buffered.
        var options = factory.CreateServerOptionsBuilder().Build();
        _server = factory.CreateMqttServer(options, [new BoundedMqttListener(listen, GatewayLimits.MqttPacketBytesMax, log)]);
        _server.InterceptingPublishAsync += OnPublishAsync;
        await _server.StartAsync();
        log.LogInformation("gateway: MQTT broker on {Endpoint}; devices publish to {Topic}{{deviceId}}", listen, MqttReadings.TopicPrefix);
    }

    private async Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        var message = e.ApplicationMessage;
        if (!MqttReadings.IsReadingsTopic(message.Topic, out string? deviceId)) return;
        // The broker keeps the message until this handler returns: no copy of the payload is needed.
        var verdict = await MqttSubmission.SubmitAsync(pipeline, message, deviceId, copy: false, e.CancellationToken);
        var outcome = verdict.Outcome;
        e.ProcessPublish = verdict.AllAccepted;
        e.Response.ReasonCode = outcome.Reason.PubAckCode();
        e.Response.ReasonString = MqttReadings.ReasonString(outcome);
        e.Response.UserProperties = [new MqttUserProperty(MqttReadings.ReasonProperty, outcome.Reason.Utf8Name())];
        string? replyTo = message.ResponseTopic;
        if (!string.IsNullOrEmpty(replyTo) && !replyTo.StartsWith(MqttReadings.TopicPrefix, StringComparison.Ordinal) && _server is not null)
        {
            try
            {
                var reply = verdict.Reply(replyTo, message.CorrelationData);
                await _server.InjectApplicationMessage(new InjectedMqttApplicationMessage(reply) { SenderClientId = "polis-gateway" }, e.CancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogDebug("gateway: reply to {Topic} failed: {Message}", replyTo, ex.Message);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is null) return;
        try { await _server.StopAsync(new MqttServerStopOptions()); }
        catch (Exception e) { log.LogDebug("gateway: MQTT broker stop: {Message}", e.Message); }
        _server.Dispose();
        _server = null;
    }
}
