using MQTTnet;
using Polis.Modules.Devices;

namespace Polis.Gateway;

/// <summary>
/// A message on <c>polis/readings/{deviceId}</c> taken through the pipeline, the same way for the
/// embedded broker and for the client of an external one. Its payload is one reading; or, with the
/// MQTT 5 content type <c>application/x-polis-readings</c>, a batch of that device's readings in the
/// layout of the HTTP batch (u32 count, then u32 length and bytes per reading): a device that was
/// offline sends its backlog in one message instead of a round trip per reading. Every reading of a
/// batch must be of the topic's device; each is judged on its own, as in an HTTP batch.
/// </summary>
public static class MqttSubmission
{
    public static bool IsBatch(MqttApplicationMessage message) =>
        string.Equals(message.ContentType, ReadingsRequest.BatchContentType, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The verdict on a message whose topic is a readings topic (<paramref name="deviceId"/> null when
    /// it names no valid device). <paramref name="copy"/>: the payload's buffer is reused once the
    /// handler returns (an MQTT client's), so the readings are taken from a copy.
    /// </summary>
    public static async Task<MqttVerdict> SubmitAsync(ReadingPipeline pipeline, MqttApplicationMessage message, string? deviceId, bool copy, CancellationToken cancel)
    {
        if (deviceId is null)
            return MqttVerdict.One(pipeline.Reject(new ReadingOutcome(ReadingReason.TopicMismatch, null, 0, $"topic '{Truncate(message.Topic)}' does not name a valid device id")));
        bool batch = IsBatch(message);
        if (MqttReadings.Payload(message, batch ? GatewayLimits.MqttBatchBytesMax : Reading.EncodedBytesMax) is not { } payload)
            return MqttVerdict.One(pipeline.Reject(ReadingOutcome.Malformed(batch ? $"a batch message is at most {GatewayLimits.MqttBatchBytesMax} bytes" : $"a reading is at most {Reading.EncodedBytesMax} bytes")));
        if (copy) payload = payload.ToArray();
        if (!batch) return MqttVerdict.One(await pipeline.SubmitAsync(payload, deviceId, cancel));
        var parsed = ReadingsRequest.ParseBinary(payload);
        if (parsed.Readings is null) return MqttVerdict.One(pipeline.Reject(ReadingOutcome.Malformed(parsed.Error)));
        return MqttVerdict.Many(await pipeline.SubmitManyAsync(parsed.Readings, cancel, deviceId));
    }

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
