using Polis.Core.Net;
using System.Net;
using Microsoft.Extensions.Logging;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Polis.Gateway;

/// <summary>
/// The embedded MQTT broker (MQTTnet 5), so a devnet needs nothing installed. Every publish to
/// <c>polis/readings/{deviceId}</c> goes through the reading pipeline before the broker answers:
/// an MQTT 5 device gets the verdict in its PUBACK (reason code, reason string, user property
/// <c>polis-reason</c>) and stays connected; a message with a response topic also gets a JSON reply
/// there. A message may also carry a device's backlog (see <see cref="MqttSubmission"/>). No client
/// may subscribe to a readings topic, so an accepted reading goes no further on the broker: its way
/// out is its proof.
/// It is not an open broker: a client proves a device's or a listed concentrator's key at CONNECT,
/// and may publish only readings it is entitled to and subscribe only to its own replies
/// (<see cref="MqttAccess"/>); retained messages are refused; at most
/// <see cref="GatewayLimits.MqttConnectionsMax"/> sockets are open, and
/// <see cref="GatewayLimits.MqttConnectionsPerAddressMax"/> from one address, counted from accept
/// (<see cref="BoundedMqttListener"/>), so connections still in their CONNECT count too. One connection's publishes
/// are handled in turn (MQTTnet reads a connection sequentially), so throughput grows with the
/// number of devices.
/// </summary>
internal sealed class EmbeddedMqttBroker(IPEndPoint listen, ReadingPipeline pipeline, MqttAccess access, ILogger log) : IAsyncDisposable
{
    private const string PrincipalItem = "polis.principal";

    /// <summary>Open sockets, connected or still in their CONNECT, in all and per address.</summary>
    public AddressSlots Connections { get; } = new(GatewayLimits.MqttConnectionsMax, GatewayLimits.MqttConnectionsPerAddressMax);
    private MqttServer? _server;

    public IPEndPoint Listen => listen;

    public async Task StartAsync()
    {
        var factory = new MqttServerFactory();
        // Devices connect through our listener, which bounds a packet's size before it is buffered.
        var options = factory.CreateServerOptionsBuilder().Build();
        _server = factory.CreateMqttServer(options, [new BoundedMqttListener(listen, GatewayLimits.MqttPacketBytesMax, log, Connections)]);
        _server.ValidatingConnectionAsync += OnConnectingAsync;
        _server.InterceptingSubscriptionAsync += OnSubscribingAsync;
        _server.InterceptingPublishAsync += OnPublishAsync;
        await _server.StartAsync();
        log.LogInformation("gateway: MQTT broker on {Endpoint}; devices publish to {Topic}{{deviceId}}", listen, MqttReadings.TopicPrefix);
    }

    private async Task OnConnectingAsync(ValidatingConnectionEventArgs e)
    {
        var (who, refusal) = await access.AuthenticateAsync(e.ClientId, e.UserName, e.Password, CancellationToken.None);
        if (who is null)
        {
            e.ReasonCode = MqttConnectReasonCode.NotAuthorized;
            e.ReasonString = refusal;
            return;
        }
        e.SessionItems[PrincipalItem] = who;
        // A device that sent no client id gets its device id (the principal's), which its password was signed for with an empty one.
        if (string.IsNullOrEmpty(e.ClientId)) e.AssignedClientIdentifier = who.ClientId;
    }

    private Task OnSubscribingAsync(InterceptingSubscriptionEventArgs e)
    {
        if (e.SessionItems?[PrincipalItem] is MqttAccess.Principal who && MqttAccess.MaySubscribe(who, e.TopicFilter.Topic)) return Task.CompletedTask;
        e.ProcessSubscription = false;
        e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        e.ReasonString = "a client subscribes only to its own replies, polis/replies/{clientId}, and a device to its rejections, polis/rejections/{deviceId}";
        return Task.CompletedTask;
    }

    private async Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        var message = e.ApplicationMessage;
        // Our own replies (injected, no client session) pass; every client's message is checked.
        if (e.SessionItems?[PrincipalItem] is not MqttAccess.Principal who)
        {
            if (e.ClientId == InjectorId) return;
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            return;
        }
        if (!MqttAccess.MayPublish(who, message.Topic, message.Retain, message.ResponseTopic, out string refusal))
        {
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            e.Response.ReasonString = refusal;
            return;
        }
        if (!MqttReadings.IsReadingsTopic(message.Topic, out string? deviceId)) return;
        // The broker keeps the message until this handler returns: no copy of the payload is needed.
        var verdict = await MqttSubmission.SubmitAsync(pipeline, message, deviceId, copy: false, e.CancellationToken);
        var outcome = verdict.Outcome;
        e.ProcessPublish = verdict.AllAccepted;
        e.Response.ReasonCode = outcome.Reason.PubAckCode();
        e.Response.ReasonString = MqttReadings.ReasonString(outcome);
        e.Response.UserProperties = [new MqttUserProperty(MqttReadings.ReasonProperty, outcome.Reason.Utf8Name())];
        // As with an external broker: a verdict goes to the response topic, or a refusal to the device's rejections topic.
        string? replyTo = !string.IsNullOrEmpty(message.ResponseTopic) ? message.ResponseTopic
            : verdict.AllStored || deviceId is null ? null : MqttReadings.RejectionsPrefix + deviceId;
        if (replyTo is not null && _server is not null)
        {
            try
            {
                var reply = verdict.Reply(replyTo, message.CorrelationData);
                await _server.InjectApplicationMessage(new InjectedMqttApplicationMessage(reply) { SenderClientId = InjectorId }, e.CancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogDebug("gateway: reply to {Topic} failed: {Message}", replyTo, ex.Message);
            }
        }
    }

    /// <summary>The sender id of the replies the gateway injects (never a client's: a device's client id is its device id, valid ids have no '$').</summary>
    private const string InjectorId = "$polis-gateway";

    public async ValueTask DisposeAsync()
    {
        if (_server is null) return;
        try { await _server.StopAsync(new MqttServerStopOptions()); }
        catch (Exception e) { log.LogDebug("gateway: MQTT broker stop: {Message}", e.Message); }
        _server.Dispose();
        _server = null;
    }
}
