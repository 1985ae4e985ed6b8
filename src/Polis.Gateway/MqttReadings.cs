using System.Buffers;
using System.Text.Json;
using MQTTnet;
using Polis.Modules.Devices;

namespace Polis.Gateway;

/// <summary>The MQTT conventions of the gateway: topics, payload handling and the reply document.</summary>
public static class MqttReadings
{
    /// <summary>Devices publish their signed readings (the raw bytes) to <c>polis/readings/{deviceId}</c>.</summary>
    public const string TopicPrefix = "polis/readings/";
    /// <summary>Subscription of a gateway on an external broker.</summary>
    public const string TopicFilter = "polis/readings/+";
    /// <summary>Where a gateway on an external broker reports a rejection when the message names no response topic.</summary>
    public const string RejectionsPrefix = "polis/rejections/";
    /// <summary>User property carrying the reason's stable name on a PUBACK.</summary>
    public const string ReasonProperty = "polis-reason";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>True when the topic is a readings topic; then <paramref name="deviceId"/> is its device (null when the id is not valid).</summary>
    public static bool IsReadingsTopic(string topic, out string? deviceId)
    {
        deviceId = null;
        if (!topic.StartsWith(TopicPrefix, StringComparison.Ordinal)) return false;
        string id = topic[TopicPrefix.Length..];
        if (EntityId.IsValid(id, out _)) deviceId = id;
        return true;
    }

    /// <summary>The payload as one memory block: no copy when it arrived in one segment; null when larger than <paramref name="bytesMax"/>.</summary>
    public static ReadOnlyMemory<byte>? Payload(MqttApplicationMessage message, int bytesMax)
    {
        var payload = message.Payload;
        if (payload.Length > bytesMax) return null;
        return payload.IsSingleSegment ? payload.First : payload.ToArray();
    }

    public static string ReasonString(ReadingOutcome outcome) =>
        outcome.Message.Length == 0 ? outcome.Reason.Name() : $"{outcome.Reason.Name()}: {outcome.Message}";

    /// <summary>The reply published to a response topic (or the rejections topic): JSON with the outcome.</summary>
    public static MqttApplicationMessage Reply(string topic, ReadingOutcome outcome, byte[]? correlation) =>
        Reply(topic, outcome, JsonSerializer.SerializeToUtf8Bytes(outcome.ToResponse(0), Json), correlation);

    /// <summary>The reply to a batch message: JSON with every reading's result, as <c>POST /v1/readings</c> answers a batch.</summary>
    public static MqttApplicationMessage BatchReply(string topic, ReadingOutcome summary, ReadingOutcome[] outcomes, byte[]? correlation)
    {
        var results = new ReadingResultResponse[outcomes.Length];
        int stored = 0;
        for (int i = 0; i < outcomes.Length; i++)
        {
            results[i] = outcomes[i].ToResponse(i);
            if (outcomes[i].IsStored) stored++;
        }
        return Reply(topic, summary, JsonSerializer.SerializeToUtf8Bytes(new ReadingsSubmitResponse(stored, outcomes.Length - stored, results), Json), correlation);
    }

    private static MqttApplicationMessage Reply(string topic, ReadingOutcome summary, byte[] body, byte[]? correlation)
    {
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(body)
            .WithContentType("application/json")
            .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
            .WithUserProperty(ReasonProperty, summary.Reason.Utf8Name());
        if (correlation is not null) builder.WithCorrelationData(correlation);
        return builder.Build();
    }
}
