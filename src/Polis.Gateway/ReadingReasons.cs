using MQTTnet.Protocol;

namespace Polis.Gateway;

/// <summary>The stable names of <see cref="ReadingReason"/> and their MQTT 5 PUBACK reason codes.</summary>
public static class ReadingReasons
{
    private static readonly string[] Names =
    [
        "accepted", "duplicate", "malformed", "wrong-chain", "topic-mismatch", "unknown-device", "device-revoked",
        "bad-signature", "replayed", "out-of-order", "overloaded", "unavailable", "out-of-time", "wrong-gateway",
    ];

    private static readonly byte[][] Utf8Names = Array.ConvertAll(Names, System.Text.Encoding.UTF8.GetBytes);

    public static int Count => Names.Length;

    /// <summary>The name as UTF-8 (MQTT user properties carry bytes).</summary>
    public static ReadOnlyMemory<byte> Utf8Name(this ReadingReason reason) => Utf8Names[(int)reason];

    public static string Name(this ReadingReason reason) => Names[(int)reason];

    public static bool TryParse(string name, out ReadingReason reason)
    {
        int i = Array.IndexOf(Names, name);
        reason = (ReadingReason)Math.Max(i, 0);
        return i >= 0;
    }

    /// <summary>True when the reading is stored (now or before): the device need not send it again.</summary>
    public static bool IsStored(this ReadingReason reason) => reason is ReadingReason.Accepted or ReadingReason.Duplicate;

    /// <summary>True when sending the same reading later may succeed.</summary>
    public static bool IsTransient(this ReadingReason reason) => reason is ReadingReason.Overloaded or ReadingReason.Unavailable;

    /// <summary>The PUBACK reason code an MQTT 5 device sees; the reason string carries the name.</summary>
    public static MqttPubAckReasonCode PubAckCode(this ReadingReason reason) => reason switch
    {
        ReadingReason.Accepted or ReadingReason.Duplicate => MqttPubAckReasonCode.Success,
        ReadingReason.Malformed or ReadingReason.WrongChain or ReadingReason.OutOfTime => MqttPubAckReasonCode.PayloadFormatInvalid,
        ReadingReason.TopicMismatch => MqttPubAckReasonCode.TopicNameInvalid,
        ReadingReason.UnknownDevice or ReadingReason.DeviceRevoked or ReadingReason.BadSignature or ReadingReason.WrongGateway => MqttPubAckReasonCode.NotAuthorized,
        ReadingReason.Replayed or ReadingReason.OutOfOrder => MqttPubAckReasonCode.ImplementationSpecificError,
        ReadingReason.Overloaded => MqttPubAckReasonCode.QuotaExceeded,
        _ => MqttPubAckReasonCode.UnspecifiedError,
    };
}
