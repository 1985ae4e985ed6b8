using Polis.Modules.Devices;

namespace Polis.Gateway;

/// <summary>
/// Every fixed bound of the gateway in one place, unit last (the configurable ones are in
/// <see cref="GatewayConfig"/>; the largest batch an anchor may cover is <see cref="DevicesLimits"/>').
/// </summary>
public static class GatewayLimits
{
    /// <summary>Readings one submission (an HTTP batch, an MQTT backlog message) may carry.</summary>
    public const int SubmissionReadingsMax = 10_000;
    /// <summary>HTTP submissions read and processed at once; more get 503. Bounds the bodies in memory to this many × <see cref="HttpBodyBytesMax"/>.</summary>
    public const int HttpSubmissionsMax = 16;
    /// <summary>A reading may be this far ahead of the gateway's clock: half the chain's bound, for the gateway's own drift.</summary>
    public const long ReadingAheadMaxMs = DevicesLimits.ReadingAheadOfBlockMaxMs / 2;
    /// <summary>...and this far behind it: a week short of the chain's bound, so a batch anchored within a week stays provable.</summary>
    public const long ReadingBehindMaxMs = DevicesLimits.ReadingBehindBlockMaxMs - 7L * 24 * 60 * 60 * 1000;
    /// <summary>Clients connected to the embedded MQTT broker at once.</summary>
    public const int MqttConnectionsMax = 10_000;
    /// <summary>Open MQTT connections from one client address (IPv6 by /64), connected or still in their CONNECT: a site of many devices behind one address fits, one host cannot take them all.</summary>
    public const int MqttConnectionsPerAddressMax = 1_000;
    /// <summary>How far the time in a client's MQTT password may be from the gateway's clock: bounds a replayed password.</summary>
    public const long MqttConnectSkewMs = 5 * 60 * 1000;
    /// <summary>Of those, what one client address may hold (IPv6 by /64).</summary>
    public const int HttpSubmissionsPerAddressMax = 4;
    /// <summary>A submission's body must have arrived within this, or the request ends (408): a slow upload holds its permit no longer.</summary>
    public static readonly TimeSpan HttpBodyReadTimeout = TimeSpan.FromSeconds(30);
    /// <summary>The largest MQTT backlog message: a full submission of the largest readings, with their lengths and the count.</summary>
    public const int MqttBatchBytesMax = 4 + SubmissionReadingsMax * (4 + Reading.EncodedBytesMax);
    /// <summary>The largest MQTT packet a device may send the embedded broker: a full batch plus room for the topic and properties.</summary>
    public const int MqttPacketBytesMax = MqttBatchBytesMax + 128 * 1024;
    /// <summary>The largest HTTP request body: a full submission in hex JSON, the widest of the accepted encodings.</summary>
    public const long HttpBodyBytesMax = SubmissionReadingsMax * (2L * Reading.EncodedBytesMax + 8) + 4096;
    /// <summary>Below this many readings a submission verifies on the caller's thread (fanning out costs more than it saves).</summary>
    public const int ParallelVerifyReadingsMin = 32;
    /// <summary>Readings written to the store in one synced group at most.</summary>
    public const int CommitGroupReadingsMax = 16_384;
    /// <summary>Devices whose last sequence is cached; past this the cache starts over (it refills from the store).</summary>
    public const int SequencesCachedDevicesMax = 1_000_000;
    /// <summary>Device keys cached; past this the cache starts over (it refills from the node).</summary>
    public const int KeysCachedDevicesMax = 1_000_000;
    /// <summary>Batches whose leaves are kept in memory to assemble proofs.</summary>
    public const int ProofBatchesCachedMax = 64;
    /// <summary>Readings one page of a device's recent readings may list.</summary>
    public const int RecentReadingsPageMax = 1_000;
}
