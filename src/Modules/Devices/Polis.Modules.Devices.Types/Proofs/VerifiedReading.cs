using Polis.Core.Crypto;

namespace Polis.Modules.Devices;

/// <summary>
/// What a verified reading proof establishes, all of it bound by the trusted validators' signatures:
/// the device's signed measurement, the block and batch that anchored it, and the device's key and
/// owner as recorded on chain at that block's height.
/// </summary>
public sealed record VerifiedReading(
    string DeviceId,
    ulong Sequence,
    long TimeMs,
    string Metric,
    string Unit,
    IReadOnlyList<long> Values,
    Hash32? PayloadHash,
    ulong BlockHeight,
    long BlockTimeMs,
    Hash32 BlockId,
    string GatewayId,
    ulong Batch,
    uint BatchSize,
    ulong BatchIndex,
    PublicKey DeviceKey,
    uint DeviceKeyIndex,
    Address DeviceOwner);
