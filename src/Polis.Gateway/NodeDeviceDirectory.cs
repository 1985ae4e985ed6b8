using Polis.Client.Api;
using Polis.Core.Crypto;
using Polis.Modules.Devices;

namespace Polis.Gateway;

/// <summary>Device keys from a node's <c>GET /v1/devices/{id}</c>.</summary>
public sealed class NodeDeviceDirectory(NodeClient client) : IDeviceDirectory
{
    public async Task<DeviceKeyInfo?> LookupAsync(string deviceId, CancellationToken cancel)
    {
        var device = await client.DeviceAsync(deviceId, cancel);
        if (device is null) return null;
        return new DeviceKeyInfo(PublicKey.FromBytes(Convert.FromHexString(device.PublicKey)), device.RevokedAt is not null, device.Gateway ?? "", device.GatewaySinceMs ?? 0);
    }
}
