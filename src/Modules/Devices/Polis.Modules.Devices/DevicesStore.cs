using Polis.Execution;

namespace Polis.Modules.Devices;

/// <summary>Reads and writes the Devices module's records in a state view (the module's keeper).</summary>
public static class DevicesStore
{
    public static DeviceRecord? Device(IStateView state, string deviceId) => Read(state, DevicesKeys.Device(deviceId), DeviceRecord.Decode);

    public static void Put(IStateView state, DeviceRecord device) => state.Put(DevicesKeys.Device(device.Id), device.ToBytes());

    public static DeviceKeyRecord? Key(IStateView state, string deviceId, uint index) => Read(state, DevicesKeys.DeviceKey(deviceId, index), DeviceKeyRecord.Decode);

    public static void PutKey(IStateView state, string deviceId, uint index, DeviceKeyRecord key) => state.Put(DevicesKeys.DeviceKey(deviceId, index), key.ToBytes());

    public static GatewayRecord? Gateway(IStateView state, string gatewayId) => Read(state, DevicesKeys.Gateway(gatewayId), GatewayRecord.Decode);

    public static void Put(IStateView state, GatewayRecord gateway) => state.Put(DevicesKeys.Gateway(gateway.Id), gateway.ToBytes());

    public static AnchorRecord? Anchor(IStateView state, string gatewayId, ulong batch) => Read(state, DevicesKeys.Anchor(gatewayId, batch), AnchorRecord.Decode);

    public static void PutAnchor(IStateView state, string gatewayId, ulong batch, AnchorRecord anchor) => state.Put(DevicesKeys.Anchor(gatewayId, batch), anchor.ToBytes());

    private delegate T Decoder<T>(ReadOnlySpan<byte> bytes);

    private static T? Read<T>(IStateView state, byte[] key, Decoder<T> decode) where T : class
    {
        var bytes = state.Get(key);
        return bytes is null ? null : decode(bytes);
    }
}
