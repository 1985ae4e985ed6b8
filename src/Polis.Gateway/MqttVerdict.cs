using MQTTnet;

namespace Polis.Gateway;

/// <summary>
/// What became of one MQTT message: <see cref="Outcome"/> sums it up for the PUBACK (reason code,
/// reason string, the reason's name as a user property); <see cref="Readings"/> holds each reading's
/// outcome when the message was a batch.
/// </summary>
public sealed record MqttVerdict(ReadingOutcome Outcome, ReadingOutcome[]? Readings)
{
    public static MqttVerdict One(ReadingOutcome outcome) => new(outcome, null);

    /// <summary>
    /// A batch is summed up by its first reading that was not stored, with how many were; when all
    /// were, it is accepted. Stored readings stay stored either way: a device resends only those the
    /// reply (or <c>GET /v1/readings/{deviceId}</c>) does not list as stored.
    /// </summary>
    public static MqttVerdict Many(ReadingOutcome[] outcomes)
    {
        int stored = 0, first = -1;
        for (int i = 0; i < outcomes.Length; i++)
        {
            if (outcomes[i].IsStored) stored++;
            else if (first < 0) first = i;
        }
        if (first < 0) return new(new ReadingOutcome(ReadingReason.Accepted, outcomes[0].DeviceId, outcomes[^1].Sequence, $"all {outcomes.Length} readings stored"), outcomes);
        var failed = outcomes[first];
        return new(failed with { Message = $"{stored} of {outcomes.Length} readings stored; reading {first}: {failed.Message}" }, outcomes);
    }

    /// <summary>True when every reading is newly accepted: only then is the message passed on to the topic's subscribers.</summary>
    public bool AllAccepted => Readings is null ? Outcome.Reason == ReadingReason.Accepted : Array.TrueForAll(Readings, o => o.Reason == ReadingReason.Accepted);

    public bool AllStored => Readings is null ? Outcome.IsStored : Array.TrueForAll(Readings, o => o.IsStored);

    /// <summary>The reply for a response topic (or the rejections topic): one reading's result, or a batch's results as <c>POST /v1/readings</c> answers them.</summary>
    public MqttApplicationMessage Reply(string topic, byte[]? correlation) =>
        Readings is null ? MqttReadings.Reply(topic, Outcome, correlation) : MqttReadings.BatchReply(topic, Outcome, Readings, correlation);
}
