using System.CommandLine;
using Microsoft.AspNetCore.Routing;
using Polis.Core.Encoding;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Execution.Roles;
using Polis.Modules.Indexing;

namespace Polis.Modules.Devices;

/// <summary>
/// The devices registry on chain: devices with their key history, gateways, and the batch anchors
/// gateways submit. Readings themselves never come on chain: only one anchor per batch.
/// </summary>
public sealed class DevicesModule : CityModule
{
    public override ModuleId Id => DevicesKeys.Module;
    public override string Name => DevicesKeys.Name;
    public override IReadOnlyList<string> StatePrefixes => DevicesKeys.Prefixes;
    public override IReadOnlyList<ResultCode> ResultCodes => DevicesResults.All;
    public override IReadOnlyList<string> Roles => DevicesRoles.All;
    /// <summary>The largest operation, registering a device, encodes to about 700 bytes (its metadata at most 512).</summary>
    public override int BodyBytesMax => 1024;

    public override TxResult Apply(Transaction tx, IStateView scratch, in BlockContext block, EventLog events)
    {
        DevicesBody body;
        try
        {
            body = DevicesBody.Decode(tx.Body);
        }
        catch (CodecException e)
        {
            return Fail(tx, ExecutionResults.MalformedBody, e.Message);
        }
        (TxResult Result, DevicesEvents.Event? Event) outcome = body switch
        {
            DevicesBody.RegisterDevice b => Register(tx, b, scratch, block),
            DevicesBody.RotateDeviceKey b => Rotate(tx, b, scratch, block),
            DevicesBody.RevokeDevice b => Revoke(tx, b, scratch, block),
            DevicesBody.RegisterGateway b => RegisterGateway(tx, b, scratch, block),
            DevicesBody.AnchorBatch b => Anchor(tx, b, scratch, block),
            DevicesBody.AssignDevice b => Assign(tx, b, scratch, block),
            _ => (Fail(tx, ExecutionResults.UnknownOperation, $"unknown devices operation {body.Operation}"), null),
        };
        if (outcome.Event is { } emitted) events.Emit(Id, emitted.Type, emitted.ToBytes());
        return outcome.Result;
    }

    private static (TxResult Result, DevicesEvents.Event? Event) Register(Transaction tx, DevicesBody.RegisterDevice b, IStateView state, BlockContext block)
    {
        if (!RoleRecord.Has(state, DevicesRoles.DeviceOwner, tx.SenderAddress))
            return Failed(tx, DevicesResults.Unauthorized, $"{tx.SenderAddress} does not hold the {DevicesRoles.DeviceOwner} role");
        if (state.Get(DevicesKeys.Device(b.DeviceId)) is not null)
            return Failed(tx, DevicesResults.AlreadyExists, $"device '{b.DeviceId}' is already registered");
        var device = new DeviceRecord(b.DeviceId, tx.SenderAddress, b.Kind, b.CustomKind, b.Location, b.Metadata, b.Key, 0, block.Height, block.Height, 0);
        DevicesStore.Put(state, device);
        DevicesStore.PutKey(state, b.DeviceId, 0, new DeviceKeyRecord(b.Key, block.Height, 0));
        return (TxResult.Ok(tx.Hash), new DevicesEvents.Registered(b.DeviceId, tx.SenderAddress, device.KindName));
    }

    private static (TxResult Result, DevicesEvents.Event? Event) Rotate(Transaction tx, DevicesBody.RotateDeviceKey b, IStateView state, BlockContext block)
    {
        var device = DevicesStore.Device(state, b.DeviceId);
        if (device is null) return Failed(tx, DevicesResults.NotFound, $"device '{b.DeviceId}' is not registered");
        if (device.Owner != tx.SenderAddress) return Failed(tx, DevicesResults.Unauthorized, $"only the owner {device.Owner} may rotate the key of '{b.DeviceId}'");
        if (device.IsRevoked) return Failed(tx, DevicesResults.Revoked, $"device '{b.DeviceId}' was revoked at height {device.RevokedAt}");
        if (device.Key.Equals(b.NewKey)) return Failed(tx, DevicesResults.InvalidArgument, "the new key is the current key");
        if (device.KeyIndex == uint.MaxValue) return Failed(tx, DevicesResults.InvalidArgument, "key history is full");
        DevicesStore.PutKey(state, b.DeviceId, device.KeyIndex, DevicesStore.Key(state, b.DeviceId, device.KeyIndex)! with { Until = block.Height, UntilMs = block.TimeMs });
        uint next = device.KeyIndex + 1;
        DevicesStore.PutKey(state, b.DeviceId, next, new DeviceKeyRecord(b.NewKey, block.Height, 0));
        DevicesStore.Put(state, device with { Key = b.NewKey, KeyIndex = next, KeySince = block.Height });
        return (TxResult.Ok(tx.Hash), new DevicesEvents.KeyRotated(b.DeviceId, next, b.NewKey));
    }

    private static (TxResult Result, DevicesEvents.Event? Event) Revoke(Transaction tx, DevicesBody.RevokeDevice b, IStateView state, BlockContext block)
    {
        var device = DevicesStore.Device(state, b.DeviceId);
        if (device is null) return Failed(tx, DevicesResults.NotFound, $"device '{b.DeviceId}' is not registered");
        if (device.Owner != tx.SenderAddress) return Failed(tx, DevicesResults.Unauthorized, $"only the owner {device.Owner} may revoke '{b.DeviceId}'");
        if (device.IsRevoked) return Failed(tx, DevicesResults.Revoked, $"device '{b.DeviceId}' was already revoked at height {device.RevokedAt}");
        DevicesStore.PutKey(state, b.DeviceId, device.KeyIndex, DevicesStore.Key(state, b.DeviceId, device.KeyIndex)! with { Until = block.Height, UntilMs = block.TimeMs });
        DevicesStore.Put(state, device with { RevokedAt = block.Height });
        return (TxResult.Ok(tx.Hash), new DevicesEvents.Revoked(b.DeviceId));
    }

    private static (TxResult Result, DevicesEvents.Event? Event) Assign(Transaction tx, DevicesBody.AssignDevice b, IStateView state, BlockContext block)
    {
        var device = DevicesStore.Device(state, b.DeviceId);
        if (device is null) return Failed(tx, DevicesResults.NotFound, $"device '{b.DeviceId}' is not registered");
        if (device.Owner != tx.SenderAddress) return Failed(tx, DevicesResults.Unauthorized, $"only the owner {device.Owner} may assign '{b.DeviceId}'");
        if (device.IsRevoked) return Failed(tx, DevicesResults.Revoked, $"device '{b.DeviceId}' was revoked at height {device.RevokedAt}");
        var gateway = DevicesStore.Gateway(state, b.GatewayId);
        if (gateway is null) return Failed(tx, DevicesResults.NotFound, $"gateway '{b.GatewayId}' is not registered");
        if (gateway.IsRevoked) return Failed(tx, DevicesResults.Revoked, $"gateway '{b.GatewayId}' was revoked at height {gateway.RevokedAt}");
        if (device.Gateway == b.GatewayId) return Failed(tx, DevicesResults.InvalidArgument, $"device '{b.DeviceId}' already goes through '{b.GatewayId}'");
        DevicesStore.Put(state, device with { Gateway = b.GatewayId, GatewaySinceMs = block.TimeMs, PreviousGateway = device.Gateway });
        return (TxResult.Ok(tx.Hash), new DevicesEvents.Assigned(b.DeviceId, b.GatewayId));
    }

    private static (TxResult Result, DevicesEvents.Event? Event) RegisterGateway(Transaction tx, DevicesBody.RegisterGateway b, IStateView state, BlockContext block)
    {
        if (!RoleRecord.Has(state, DevicesRoles.GatewayOperator, tx.SenderAddress))
            return Failed(tx, DevicesResults.Unauthorized, $"{tx.SenderAddress} does not hold the {DevicesRoles.GatewayOperator} role");
        if (state.Get(DevicesKeys.Gateway(b.GatewayId)) is not null)
            return Failed(tx, DevicesResults.AlreadyExists, $"gateway '{b.GatewayId}' is already registered");
        DevicesStore.Put(state, new GatewayRecord(b.GatewayId, tx.SenderAddress, b.Account, block.Height, 0, 0));
        return (TxResult.Ok(tx.Hash), new DevicesEvents.GatewayRegistered(b.GatewayId, b.Account));
    }

    private static (TxResult Result, DevicesEvents.Event? Event) Anchor(Transaction tx, DevicesBody.AnchorBatch b, IStateView state, BlockContext block)
    {
        var gateway = DevicesStore.Gateway(state, b.GatewayId);
        if (gateway is null) return Failed(tx, DevicesResults.NotFound, $"gateway '{b.GatewayId}' is not registered");
        if (gateway.IsRevoked) return Failed(tx, DevicesResults.Revoked, $"gateway '{b.GatewayId}' was revoked at height {gateway.RevokedAt}");
        if (gateway.Account != tx.SenderAddress) return Failed(tx, DevicesResults.Unauthorized, $"only {gateway.Account} may anchor for gateway '{b.GatewayId}'");
        if (b.Batch != gateway.NextBatch) return Failed(tx, DevicesResults.OutOfOrder, $"batch {b.Batch} of '{b.GatewayId}': the next batch is {gateway.NextBatch}");
        if (b.Count == 0 || b.Count > DevicesLimits.BatchReadingsMax) return Failed(tx, DevicesResults.InvalidArgument, $"a batch holds 1 to {DevicesLimits.BatchReadingsMax} readings, not {b.Count}");
        if (b.FirstTimeMs > b.LastTimeMs) return Failed(tx, DevicesResults.InvalidArgument, "batch time range ends before it starts");
        DevicesStore.PutAnchor(state, b.GatewayId, b.Batch, new AnchorRecord(b.Root, b.Count, b.FirstTimeMs, b.LastTimeMs, block.Height, tx.Hash));
        DevicesStore.Put(state, gateway with { NextBatch = gateway.NextBatch + 1 });
        return (TxResult.Ok(tx.Hash), new DevicesEvents.BatchAnchored(b.GatewayId, b.Batch, b.Count, b.Root));
    }

    private static TxResult Fail(Transaction tx, ResultCode code, string message) => new(tx.Hash, code, message);

    private static (TxResult Result, DevicesEvents.Event? Event) Failed(Transaction tx, ResultCode code, string message) => (Fail(tx, code, message), null);

    public override void MapRoutes(IEndpointRouteBuilder routes, IModuleHost host) => DevicesRoutes.Map(routes, host, this);
    public override string RoutesDescription => "Devices and gateways registered on chain: who owns a device, its key history, the gateway its readings go through.";

    public override IEnumerable<Command> Commands() => DevicesCommands.Create();

    public override object? DescribeBody(ReadOnlySpan<byte> body)
    {
        DevicesBody decoded;
        try
        {
            decoded = DevicesBody.Decode(body);
        }
        catch (CodecException)
        {
            return null;
        }
        return decoded switch
        {
            DevicesBody.RegisterDevice b => new { operation = "register-device", deviceId = b.DeviceId, key = b.Key.ToString(), kind = b.Kind == DeviceKind.Custom ? b.CustomKind : DeviceKinds.Name(b.Kind), latitude = b.Location.Latitude, longitude = b.Location.Longitude, metadata = b.Metadata },
            DevicesBody.RotateDeviceKey b => new { operation = "rotate-device-key", deviceId = b.DeviceId, key = b.NewKey.ToString() },
            DevicesBody.RevokeDevice b => new { operation = "revoke-device", deviceId = b.DeviceId },
            DevicesBody.RegisterGateway b => new { operation = "register-gateway", gatewayId = b.GatewayId, account = b.Account.ToString() },
            DevicesBody.AssignDevice b => new { operation = "assign-device", deviceId = b.DeviceId, gatewayId = b.GatewayId },
            DevicesBody.AnchorBatch b => (object)new { operation = "anchor-batch", gatewayId = b.GatewayId, batch = b.Batch, root = b.Root.ToString(), count = b.Count, firstTimeMs = b.FirstTimeMs, lastTimeMs = b.LastTimeMs },
            _ => null,
        };
    }

    public override IReadOnlyDictionary<string, string>? DescribeEvent(ModuleEvent e)
    {
        try
        {
            return DevicesEvents.Decode(e.Type, e.Data).Attributes();
        }
        catch (CodecException)
        {
            return null;
        }
    }

    public override void Index(CommittedBlock block, IIndexWriter index) => DeviceIndex.Stage(block, index);
}
