namespace Polis.Gateway;

/// <summary>
/// What became of one submitted reading. The names (<see cref="ReadingReasons.Name"/>) are stable:
/// they appear in HTTP answers, MQTT reason strings and the metrics' <c>reason</c> label.
/// </summary>
public enum ReadingReason : byte
{
    /// <summary>Verified and durably stored; it will be anchored in a batch.</summary>
    Accepted,
    /// <summary>Exactly this reading was accepted before (a retransmission); nothing changes.</summary>
    Duplicate,
    /// <summary>The bytes do not decode as a reading (or exceed its size bound).</summary>
    Malformed,
    /// <summary>The reading names another chain.</summary>
    WrongChain,
    /// <summary>The MQTT topic names another device than the reading.</summary>
    TopicMismatch,
    /// <summary>No device of that id is registered on chain.</summary>
    UnknownDevice,
    /// <summary>The device was revoked on chain.</summary>
    DeviceRevoked,
    /// <summary>The signature does not verify against the device's current on-chain key.</summary>
    BadSignature,
    /// <summary>The device already used this sequence number for a different reading.</summary>
    Replayed,
    /// <summary>The sequence number is below the device's last accepted one.</summary>
    OutOfOrder,
    /// <summary>The gateway's queue is full; retry later.</summary>
    Overloaded,
    /// <summary>The device's key could not be looked up (node unreachable) or the store failed; retry later.</summary>
    Unavailable,
    /// <summary>The reading's time is too far from the gateway's clock to be proven once anchored (ahead of it, or nearly a year behind).</summary>
    OutOfTime,
    /// <summary>The device's readings go through another gateway (or none): this gateway's anchors would not prove them.</summary>
    WrongGateway,
}
