using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Polis.Gateway;

/// <summary>
/// The gateway as a client of an external MQTT 5 broker (Mosquitto is the reference): it subscribes
/// to <c>polis/readings/+</c> with QoS 1 in a persistent session and acknowledges a message only
/// after the pipeline has decided on it (so an accepted reading is durable before the broker forgets
/// it; a crash before that redelivers it, and the duplicate is recognized). Acknowledgements go out
/// in arrival order, as MQTT requires, while readings are verified concurrently. The broker has
/// already acknowledged the device, so a verdict travels as a message: to the message's response
/// topic, or for rejections to <c>polis/rejections/{deviceId}</c> (for a batch, when any of its
/// readings was not stored: the reply lists each reading's result).
/// </summary>
// credentials: the user name and password for the broker (its password file and ACL admit the gateway by them); null sends none.
public sealed class ExternalMqttIngress(string host, int port, string gatewayId, ReadingPipeline pipeline, ILogger log, (string User, string Password)? credentials = null) : IAsyncDisposable
{
    private const ushort InFlightMax = 1_000;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);
    private readonly CancellationTokenSource _stop = new();
    private IMqttClient? _client;
    private Task _run = Task.CompletedTask;
    private Task _lastAck = Task.CompletedTask;

    public void Start() => _run = Task.Run(() => RunAsync(_stop.Token));

    private async Task RunAsync(CancellationToken cancel)
    {
        var factory = new MqttClientFactory();
        bool warned = false;
        while (!cancel.IsCancellationRequested)
        {
            using var client = factory.CreateMqttClient();
            _client = client;
            var disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            client.DisconnectedAsync += _ => { disconnected.TrySetResult(); return Task.CompletedTask; };
            client.ApplicationMessageReceivedAsync += OnMessageAsync;
            try
            {
                var builder = factory.CreateClientOptionsBuilder();
                if (credentials is { } c) builder = builder.WithCredentials(c.User, c.Password);
                var options = builder
                    .WithTcpServer(host, port)
                    .WithProtocolVersion(MqttProtocolVersion.V500)
                    .WithClientId($"polis-gateway-{gatewayId}")
                    .WithCleanStart(false)
                    .WithSessionExpiryInterval(24 * 3600)
                    .WithReceiveMaximum(InFlightMax)
                    .Build();
                await client.ConnectAsync(options, cancel);
                await client.SubscribeAsync(factory.CreateSubscribeOptionsBuilder()
                    .WithTopicFilter(MqttReadings.TopicFilter, MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancel);
                log.LogInformation("gateway: subscribed to {Filter} on the MQTT broker {Host}:{Port}", MqttReadings.TopicFilter, host, port);
                warned = false;
                await disconnected.Task.WaitAsync(cancel);
                log.LogWarning("gateway: disconnected from the MQTT broker {Host}:{Port}; reconnecting", host, port);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                if (!warned) log.LogWarning("gateway: cannot use the MQTT broker {Host}:{Port} ({Message}); retrying", host, port, e.Message);
                warned = true;
            }
            try { await Task.Delay(RetryDelay, cancel); }
            catch (OperationCanceledException) { break; }
        }
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        if (!MqttReadings.IsReadingsTopic(e.ApplicationMessage.Topic, out _)) return Task.CompletedTask;
        e.AutoAcknowledge = false;
        // The handler runs for one message at a time: chaining here keeps acknowledgements in order.
        var processing = HandleAsync(e.ApplicationMessage);
        _lastAck = AcknowledgeInOrder(_lastAck, processing, e);
        return Task.CompletedTask;
    }

    private async Task AcknowledgeInOrder(Task previous, Task processing, MqttApplicationMessageReceivedEventArgs e)
    {
        try { await previous; } catch (Exception) { } // each acknowledgement reports its own failure
        try
        {
            await processing;
            await e.AcknowledgeAsync(_stop.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogDebug("gateway: acknowledging a reading failed: {Message}", ex.Message);
        }
    }

    private async Task HandleAsync(MqttApplicationMessage message)
    {
        MqttReadings.IsReadingsTopic(message.Topic, out string? deviceId);
        var verdict = await MqttSubmission.SubmitAsync(pipeline, message, deviceId, copy: true, _stop.Token); // the client reuses its buffers
        string? replyTo = !string.IsNullOrEmpty(message.ResponseTopic) ? message.ResponseTopic
            : verdict.AllStored || deviceId is null ? null : MqttReadings.RejectionsPrefix + deviceId;
        if (replyTo is null || replyTo.StartsWith(MqttReadings.TopicPrefix, StringComparison.Ordinal) || _client is not { IsConnected: true } client) return;
        try
        {
            await client.PublishAsync(verdict.Reply(replyTo, message.CorrelationData), _stop.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogDebug("gateway: reply to {Topic} failed: {Message}", replyTo, e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { await _run; } catch (OperationCanceledException) { }
        try { await _lastAck.WaitAsync(TimeSpan.FromSeconds(5)); } catch (Exception) { }
        _stop.Dispose();
    }
}
