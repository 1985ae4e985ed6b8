using System.Globalization;
using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;

namespace Polis.Modules.Devices;

/// <summary>
/// How a client proves its key when it connects to a gateway's MQTT broker: the MQTT user name
/// says who it is, the password is <c>{timeMs}.{signature hex}</c>, an Ed25519 signature over the
/// domain byte, the chain id, the gateway's id, the user name, the client id and the time. Two kinds of client:
/// <list type="bullet">
/// <item><c>device:{deviceId}</c>, signed with the device's current key on chain; its client id
/// must be its device id, it may publish only on its own readings topic and subscribe only to its
/// own reply topic.</item>
/// <item><c>concentrator:{public key hex}</c>, a data concentrator the gateway's operator lists in
/// the gateway's config (a field device that relays many meters' readings, each still signed by
/// its meter); it may publish on any readings topic and subscribe to its own reply topic.</item>
/// </list>
/// The time bounds a replay to the gateway's window (<c>GatewayLimits.MqttConnectSkewMs</c>);
/// over a network that can be watched, use TLS to the broker as well.
/// </summary>
public static class MqttConnectProof
{
    public const string DevicePrefix = "device:";
    public const string ConcentratorPrefix = "concentrator:";
    /// <summary>Replies to a client go to <c>polis/replies/{clientId}</c>, the only topic it may subscribe to.</summary>
    public const string RepliesPrefix = "polis/replies/";
    /// <summary>A concentrator's client id starts with this (then a-z, 0-9, '.', '_', '-'): never a device's id, so neither takes over the other's session.</summary>
    public const string ConcentratorClientPrefix = "concentrator.";

    /// <summary>Credentials of device <paramref name="deviceId"/> for gateway <paramref name="gatewayId"/>'s broker (a password for one gateway is refused by another).</summary>
    public static (string UserName, string Password) ForDevice(string chainId, string gatewayId, string deviceId, KeyPair key, long timeMs) =>
        Sign(chainId, gatewayId, DevicePrefix + deviceId, deviceId, key, timeMs);

    /// <summary>
    /// Credentials for a device that connects with an empty client id and lets the broker assign
    /// its device id (MQTT 5): what a stock client such as mosquitto_pub can use
    /// (<c>polis device mqtt-password</c> prints them).
    /// </summary>
    public static (string UserName, string Password) ForDeviceAssignedId(string chainId, string gatewayId, string deviceId, KeyPair key, long timeMs) =>
        Sign(chainId, gatewayId, DevicePrefix + deviceId, "", key, timeMs);

    /// <summary>Credentials of a concentrator; <paramref name="clientId"/> must start with <see cref="ConcentratorClientPrefix"/>.</summary>
    public static (string UserName, string Password) ForConcentrator(string chainId, string gatewayId, string clientId, KeyPair key, long timeMs) =>
        Sign(chainId, gatewayId, ConcentratorPrefix + key.PublicKey, clientId, key, timeMs);

    private static (string, string) Sign(string chainId, string gatewayId, string userName, string clientId, KeyPair key, long timeMs) =>
        (userName, $"{timeMs.ToString(CultureInfo.InvariantCulture)}.{key.Sign(SignBytes(chainId, gatewayId, userName, clientId, timeMs))}");

    public static byte[] SignBytes(string chainId, string gatewayId, string userName, string clientId, long timeMs)
    {
        var w = new CanonicalWriter(24 + chainId.Length + gatewayId.Length + userName.Length + clientId.Length);
        w.WriteU8(SignDomain.MqttConnect);
        w.WriteString(chainId);
        w.WriteString(gatewayId);
        w.WriteString(userName);
        w.WriteString(clientId);
        w.WriteI64(timeMs);
        return w.ToArray();
    }

    /// <summary>Reads <c>{timeMs}.{signature hex}</c>; false for anything else (bounded: no allocation for a long password).</summary>
    public static bool TryParsePassword(string? password, out long timeMs, out Signature signature)
    {
        timeMs = 0;
        signature = default;
        if (password is null || password.Length > 20 + 1 + 2 * Signature.Size) return false;
        int dot = password.IndexOf('.');
        if (dot <= 0 || !long.TryParse(password.AsSpan(0, dot), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out timeMs)) return false;
        var hex = password.AsSpan(dot + 1);
        if (hex.Length != 2 * Signature.Size) return false;
        Span<byte> bytes = stackalloc byte[Signature.Size];
        if (Convert.FromHexString(hex, bytes, out _, out int written) != System.Buffers.OperationStatus.Done || written != Signature.Size) return false;
        signature = new Signature(bytes);
        return true;
    }
}
