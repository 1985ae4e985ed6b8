using Polis.Core.Encoding;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Execution.Roles;

namespace Polis.City.Devices;

/// <summary>
/// The devices registry on chain: devices with their key history, gateways, and the batch anchors
/// gateways submit. Readings themselves never come on chain: only one anchor per batch.
/// </summary>
public sealed class DevicesModule : IModule
{
    /// <summary>Readings one anchor may cover; keeps a batch's Merkle path short (20 levels).</summary>
    public const uint BatchReadingsMax = 1 << 20;

    public ModuleId Id => ModuleId.Devices;

    public TxResult Apply(Transaction tx, IStateView scratch, in BlockContext block)
    {
        DevicesBody body;
        try
        {
            body = DevicesBody.Decode(tx.Body);
        }
        catch (CodecException e)
        {
            return Fail(tx, TxResultCode.MalformedBody, e.Message);
        }
        return body switch
        {
            DevicesBody.RegisterDevice b => Register(tx, b, scratch, block),
            DevicesBody.RotateDeviceKey b => Rotate(tx, b, scratch, block),
            DevicesBody.RevokeDevice b => Revoke(tx, b, scratch, block),
            DevicesBody.RegisterGateway b => RegisterGateway(tx, b, scratch, block),
            DevicesBody.AnchorBatch b => Anchor(tx, b, scratch, block),
            _ => Fail(tx, TxResultCode.UnknownOperation, $"unknown devices operation {body.Operation}"),
        };
    }

    private static TxResult Register(Transaction tx, DevicesBody.RegisterDevice b, IStateView state, BlockContext block)
    {
        if (!RoleRecord.Load(state, tx.SenderAddress).HasFlag(AccountRoles.DeviceOwner))
            return Fail(tx, TxResultCode.Unauthorized, $"{tx.SenderAddress} does not hold the device-owner role");
        if (state.Get(StateKeys.Device(b.DeviceId)) is not null)
            return Fail(tx, TxResultCode.AlreadyExists, $"device '{b.DeviceId}' is already registered");
        new DeviceRecord(b.DeviceId, tx.SenderAddress, b.Kind, b.CustomKind, b.Location, b.Metadata, b.Key, 0, block.Height, block.Height, 0).Store(state);
        new DeviceKeyRecord(b.Key, block.Height, 0).Store(state, b.DeviceId, 0);
        return TxResult.Ok(tx.Hash);
    }

    private static TxResult Rotate(Transaction tx, DevicesBody.RotateDeviceKey b, IStateView state, BlockContext block)
    {
        var device = DeviceRecord.Load(state, b.DeviceId);
        if (device is null) return Fail(tx, TxResultCode.NotFound, $"device '{b.DeviceId}' is not registered");
        if (device.Owner != tx.SenderAddress) return Fail(tx, TxResultCode.Unauthorized, $"only the owner {device.Owner} may rotate the key of '{b.DeviceId}'");
        if (device.IsRevoked) return Fail(tx, TxResultCode.Revoked, $"device '{b.DeviceId}' was revoked at height {device.RevokedAt}");
        if (device.Key.Equals(b.NewKey)) return Fail(tx, TxResultCode.InvalidArgument, "the new key is the current key");
        if (device.KeyIndex == uint.MaxValue) return Fail(tx, TxResultCode.InvalidArgument, "key history is full");
        (DeviceKeyRecord.Load(state, b.DeviceId, device.KeyIndex)! with { Until = block.Height }).Store(state, b.DeviceId, device.KeyIndex);
        uint next = device.KeyIndex + 1;
        new DeviceKeyRecord(b.NewKey, block.Height, 0).Store(state, b.DeviceId, next);
        (device with { Key = b.NewKey, KeyIndex = next, KeySince = block.Height }).Store(state);
        return TxResult.Ok(tx.Hash);
    }

    private static TxResult Revoke(Transaction tx, DevicesBody.RevokeDevice b, IStateView state, BlockContext block)
    {
        var device = DeviceRecord.Load(state, b.DeviceId);
        if (device is null) return Fail(tx, TxResultCode.NotFound, $"device '{b.DeviceId}' is not registered");
        if (device.Owner != tx.SenderAddress) return Fail(tx, TxResultCode.Unauthorized, $"only the owner {device.Owner} may revoke '{b.DeviceId}'");
        if (device.IsRevoked) return Fail(tx, TxResultCode.Revoked, $"device '{b.DeviceId}' was already revoked at height {device.RevokedAt}");
        (DeviceKeyRecord.Load(state, b.DeviceId, device.KeyIndex)! with { Until = block.Height }).Store(state, b.DeviceId, device.KeyIndex);
        (device with { RevokedAt = block.Height }).Store(state);
        return TxResult.Ok(tx.Hash);
    }

    private static TxResult RegisterGateway(Transaction tx, DevicesBody.RegisterGateway b, IStateView state, BlockContext block)
    {
        if (!RoleRecord.Load(state, tx.SenderAddress).HasFlag(AccountRoles.GatewayOperator))
            return Fail(tx, TxResultCode.Unauthorized, $"{tx.SenderAddress} does not hold the gateway-operator role");
        if (state.Get(StateKeys.Gateway(b.GatewayId)) is not null)
            return Fail(tx, TxResultCode.AlreadyExists, $"gateway '{b.GatewayId}' is already registered");
        new GatewayRecord(b.GatewayId, tx.SenderAddress, b.Account, block.Height, 0, 0).Store(state);
        return TxResult.Ok(tx.Hash);
    }

    private static TxResult Anchor(Transaction tx, DevicesBody.AnchorBatch b, IStateView state, BlockContext block)
    {
        var gateway = GatewayRecord.Load(state, b.GatewayId);
        if (gateway is null) return Fail(tx, TxResultCode.NotFound, $"gateway '{b.GatewayId}' is not registered");
        if (gateway.IsRevoked) return Fail(tx, TxResultCode.Revoked, $"gateway '{b.GatewayId}' was revoked at height {gateway.RevokedAt}");
        if (gateway.Account != tx.SenderAddress) return Fail(tx, TxResultCode.Unauthorized, $"only {gateway.Account} may anchor for gateway '{b.GatewayId}'");
        if (b.Batch != gateway.NextBatch) return Fail(tx, TxResultCode.OutOfOrder, $"batch {b.Batch} of '{b.GatewayId}': the next batch is {gateway.NextBatch}");
        if (b.Count == 0 || b.Count > BatchReadingsMax) return Fail(tx, TxResultCode.InvalidArgument, $"a batch holds 1 to {BatchReadingsMax} readings, not {b.Count}");
        if (b.FirstTimeMs > b.LastTimeMs) return Fail(tx, TxResultCode.InvalidArgument, "batch time range ends before it starts");
        state.Put(StateKeys.Anchor(b.GatewayId, b.Batch), new AnchorRecord(b.Root, b.Count, b.FirstTimeMs, b.LastTimeMs, block.Height, tx.Hash).ToBytes());
        (gateway with { NextBatch = gateway.NextBatch + 1 }).Store(state);
        return TxResult.Ok(tx.Hash);
    }

    private static TxResult Fail(Transaction tx, TxResultCode code, string message) => new(tx.Hash, code, message);
}
