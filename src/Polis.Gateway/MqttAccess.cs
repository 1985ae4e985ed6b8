using Polis.Core.Crypto;
using Polis.Modules.Devices;

namespace Polis.Gateway;

/// <summary>
/// Who may do what on the embedded broker (<see cref="MqttConnectProof"/> is the client's side).
/// At CONNECT a client proves a device's current key on chain or a concentrator key the operator
/// listed; a device may then publish only on its own readings topic, a concentrator on any
/// readings topic, and either may subscribe only to its own reply topic. No other topic exists
/// here, retained messages are refused, and a reply goes only to the publisher's own reply topic.
/// </summary>
internal sealed class MqttAccess(string chainId, string gatewayId, DeviceKeyCache keys, IReadOnlySet<PublicKey> concentrators, TimeProvider time)
{
    /// <summary>An authenticated client: a device (its id) or a concentrator (no device id).</summary>
    public sealed record Principal(string ClientId, string? DeviceId)
    {
        public string ReplyTopic => MqttConnectProof.RepliesPrefix + ClientId;
    }

    /// <summary>The client's principal, or null and why not (said to the client in its CONNACK).</summary>
    public async Task<(Principal? Who, string Refusal)> AuthenticateAsync(string clientId, string? userName, string? password, CancellationToken cancel)
    {
        if (string.IsNullOrEmpty(userName) || !MqttConnectProof.TryParsePassword(password, out long timeMs, out var signature))
            return (null, $"connect with user name {MqttConnectProof.DevicePrefix}{{deviceId}} or {MqttConnectProof.ConcentratorPrefix}{{key}} and a signed password");
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (timeMs < now - GatewayLimits.MqttConnectSkewMs || timeMs > now + GatewayLimits.MqttConnectSkewMs)
            return (null, $"the password's time is more than {GatewayLimits.MqttConnectSkewMs / 1000} s from the gateway's clock");
        // Bound to this gateway: a password seen by one gateway cannot be replayed to another.
        var signed = MqttConnectProof.SignBytes(chainId, gatewayId, userName, clientId, timeMs);
        if (userName.StartsWith(MqttConnectProof.DevicePrefix, StringComparison.Ordinal))
        {
            string deviceId = userName[MqttConnectProof.DevicePrefix.Length..];
            // Its device id, or none: the broker then assigns the device id (MQTT 5), so no device takes another's session.
            if (clientId.Length > 0 && clientId != deviceId) return (null, "a device's client id is its device id, or empty for the broker to assign it");
            if (!EntityId.IsValid(deviceId, out _)) return (null, "not a device id");
            if (deviceId.StartsWith(MqttConnectProof.ConcentratorClientPrefix, StringComparison.Ordinal))
                return (null, $"client ids starting '{MqttConnectProof.ConcentratorClientPrefix}' are the concentrators': this device cannot use MQTT here");
            var key = await keys.GetAsync(deviceId, cancel);
            if (key is null || key.Revoked) return (null, $"device '{deviceId}' is not registered, or revoked");
            // A key rotated since the cache was filled: ask the chain again before refusing.
            if (!key.Key.Verify(signed, signature) && (!keys.ForgetIfStale(deviceId) || await keys.GetAsync(deviceId, cancel) is not { Revoked: false } fresh || !fresh.Key.Verify(signed, signature)))
                return (null, "the password is not signed by the device's current key");
            return (new Principal(deviceId, deviceId), "");
        }
        if (userName.StartsWith(MqttConnectProof.ConcentratorPrefix, StringComparison.Ordinal))
        {
            string hex = userName[MqttConnectProof.ConcentratorPrefix.Length..];
            if (!PublicKey.TryParse(hex, out var key) || !concentrators.Contains(key)) return (null, "not a concentrator of this gateway");
            // Its own namespace of client ids: never a device's (no session takeover), never a wildcard in its reply topic.
            if (!clientId.StartsWith(MqttConnectProof.ConcentratorClientPrefix, StringComparison.Ordinal) || !EntityId.IsValid(clientId, out _))
                return (null, $"a concentrator's client id is '{MqttConnectProof.ConcentratorClientPrefix}' and then a-z, 0-9, '.', '_' or '-'");
            if (!key.Verify(signed, signature)) return (null, "the password is not signed by the concentrator's key");
            return (new Principal(clientId, null), "");
        }
        return (null, $"the user name is {MqttConnectProof.DevicePrefix}{{deviceId}} or {MqttConnectProof.ConcentratorPrefix}{{key}}");
    }

    /// <summary>Whether <paramref name="who"/> may publish this message; the refusal says why.</summary>
    public static bool MayPublish(Principal who, string topic, bool retain, string? responseTopic, out string refusal)
    {
        refusal = "";
        if (retain) refusal = "retained messages are refused";
        else if (!MqttReadings.IsReadingsTopic(topic, out string? device)) refusal = $"this broker takes readings only, on {MqttReadings.TopicPrefix}{{deviceId}}";
        else if (who.DeviceId is not null && device != who.DeviceId) refusal = $"a device publishes only on its own topic, {MqttReadings.TopicPrefix}{who.DeviceId}";
        else if (!string.IsNullOrEmpty(responseTopic) && responseTopic != who.ReplyTopic) refusal = $"replies go to {who.ReplyTopic} only";
        return refusal.Length == 0;
    }

    /// <summary>
    /// Its own replies; a device its own rejections (<c>polis/rejections/{deviceId}</c>), a
    /// concentrator every device's (it relays many): as the external broker's ACL allows.
    /// </summary>
    public static bool MaySubscribe(Principal who, string topicFilter)
    {
        if (topicFilter == who.ReplyTopic) return true;
        if (!topicFilter.StartsWith(MqttReadings.RejectionsPrefix, StringComparison.Ordinal)) return false;
        string rest = topicFilter[MqttReadings.RejectionsPrefix.Length..];
        return who.DeviceId is { } device ? rest == device : rest is "#" or "+" || EntityId.IsValid(rest, out _);
    }
}
