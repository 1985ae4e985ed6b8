namespace Polis.Modules.Devices;

/// <summary>The Devices module's limits, shared by the chain and the gateways that feed it.</summary>
public static class DevicesLimits
{
    /// <summary>Readings one anchor may cover; keeps a batch's Merkle path short (20 levels).</summary>
    public const uint BatchReadingsMax = 1 << 20;

    /// <summary>
    /// A reading is proven only if its time is at most this far after the time of the block that
    /// anchors it: a device's clock may run a little fast, but a reading cannot come from the future.
    /// </summary>
    public const long ReadingAheadOfBlockMaxMs = 10 * 60 * 1000;

    /// <summary>
    /// ...and at most this far before it: a reading anchored more than a year after its claimed time
    /// is not proven as of that time. Gateways refuse readings a week short of this, so a batch
    /// anchored within a week of its sealing stays provable.
    /// </summary>
    public const long ReadingBehindBlockMaxMs = 365L * 24 * 60 * 60 * 1000;

    /// <summary>
    /// How long after a key rotation (or a reassignment to another gateway) an anchor may still
    /// prove a reading taken before it under the old key (or through the old gateway): a gateway
    /// accepts a reading before it learns of the change and anchors it within seconds, or within
    /// this hour after an outage. Longer would let a stolen old key, with a dishonest gateway, add
    /// readings dated before the rotation for longer; revoke a device whose key was stolen.
    /// </summary>
    public const long HandoverGraceMs = 60 * 60 * 1000;
}
