namespace Polis.Gateway;

/// <summary>The verdict on one submitted reading: the reason, the device and sequence when they decoded, and a human message.</summary>
public readonly record struct ReadingOutcome(ReadingReason Reason, string? DeviceId, ulong Sequence, string Message)
{
    public bool IsStored => Reason.IsStored();

    public static ReadingOutcome Malformed(string message) => new(ReadingReason.Malformed, null, 0, message);

    /// <summary>The reading's result as the API reports it (HTTP responses, MQTT replies).</summary>
    public ReadingResultResponse ToResponse(int index) => new(index, Reason.Name(), DeviceId, DeviceId is null ? null : Sequence, Message);
}
