using Polis.Core.Crypto;

namespace Polis.Gateway;

/// <summary>
/// A device's current key, whether it is revoked, the gateway its readings go through (empty: none;
/// only that gateway's anchors prove them) and since when (block time, ms: readings taken before
/// are the previous gateway's).
/// </summary>
public sealed record DeviceKeyInfo(PublicKey Key, bool Revoked, string Gateway = "", long GatewaySinceMs = 0);

/// <summary>
/// Where the gateway learns devices' current keys (the chain, through a node's API). Defined here,
/// by its user, so the pipeline can be tested with a fake one.
/// </summary>
public interface IDeviceDirectory
{
    /// <summary>The device's key, or null when no such device is registered. Throws when the chain cannot be asked.</summary>
    Task<DeviceKeyInfo?> LookupAsync(string deviceId, CancellationToken cancel);
}
