using Polis.Core.Crypto;
using Polis.Modules.Devices;
using Polis.Core.Encoding;
using Polis.Execution;
using static Polis.Modules.Devices.Tests.DevicesHarness;

namespace Polis.Modules.Devices.Tests;

public sealed class DevicesModuleTests
{
    private static readonly KeyPair K0 = KeyPair.FromLabel("city-device-k0");
    private static readonly KeyPair K1 = KeyPair.FromLabel("city-device-k1");
    private static readonly KeyPair K2 = KeyPair.FromLabel("city-device-k2");

    [Fact]
    public void Only_a_device_owner_can_register_a_device_and_becomes_its_owner()
    {
        var h = new DevicesHarness();
        h.AssertFails(DevicesResults.Unauthorized, Outsider, Register("air-1", K0));
        h.AssertFails(DevicesResults.Unauthorized, Operator, Register("air-1", K0));
        ulong height = h.Height;
        h.AssertOk(Owner, Register("air-1", K0));
        var device = DevicesStore.Device(h.State, "air-1")!;
        Assert.Equal(new DeviceRecord("air-1", Owner.Address, DeviceKind.AirQuality, "", new GeoPoint(48_856_600, 2_352_200), "roof of the town hall",
            K0.PublicKey, 0, height, height, 0), device);
        Assert.Equal(new DeviceKeyRecord(K0.PublicKey, height, 0), DevicesStore.Key(h.State, "air-1", 0));
        Assert.True(device.Accepts(K0.PublicKey));
        Assert.False(device.Accepts(K1.PublicKey));
    }

    [Fact]
    public void Only_a_gateway_operator_can_register_a_gateway()
    {
        var h = new DevicesHarness();
        h.AssertFails(DevicesResults.Unauthorized, Outsider, new DevicesBody.RegisterGateway("gw-1", GatewayAccount.Address));
        h.AssertFails(DevicesResults.Unauthorized, Owner, new DevicesBody.RegisterGateway("gw-1", GatewayAccount.Address));
        h.AssertOk(Operator, new DevicesBody.RegisterGateway("gw-1", GatewayAccount.Address));
        Assert.Equal(new GatewayRecord("gw-1", Operator.Address, GatewayAccount.Address, 3, 0, 0), DevicesStore.Gateway(h.State, "gw-1"));
    }

    [Fact]
    public void An_id_cannot_be_registered_twice()
    {
        var h = new DevicesHarness();
        h.AssertOk(Owner, Register("air-1", K0));
        h.AssertFails(DevicesResults.AlreadyExists, Owner, Register("air-1", K1));
        h.AssertFails(DevicesResults.AlreadyExists, OtherOwner, Register("air-1", K1));
        h.AssertOk(Operator, new DevicesBody.RegisterGateway("gw-1", GatewayAccount.Address));
        h.AssertFails(DevicesResults.AlreadyExists, Operator, new DevicesBody.RegisterGateway("gw-1", Outsider.Address));
    }

    [Fact]
    public void Only_the_owner_rotates_or_revokes_and_unknown_devices_are_not_found()
    {
        var h = new DevicesHarness();
        h.AssertOk(Owner, Register("air-1", K0));
        h.AssertFails(DevicesResults.Unauthorized, OtherOwner, new DevicesBody.RotateDeviceKey("air-1", K1.PublicKey));
        h.AssertFails(DevicesResults.Unauthorized, Outsider, new DevicesBody.RevokeDevice("air-1"));
        h.AssertFails(DevicesResults.NotFound, Owner, new DevicesBody.RotateDeviceKey("air-2", K1.PublicKey));
        h.AssertFails(DevicesResults.NotFound, Owner, new DevicesBody.RevokeDevice("air-2"));
        h.AssertFails(DevicesResults.InvalidArgument, Owner, new DevicesBody.RotateDeviceKey("air-1", K0.PublicKey));
    }

    [Fact]
    public void Rotations_keep_the_whole_key_history()
    {
        var h = new DevicesHarness();
        ulong registered = h.Height;
        h.AssertOk(Owner, Register("air-1", K0));
        ulong first = h.Height;
        h.AssertOk(Owner, new DevicesBody.RotateDeviceKey("air-1", K1.PublicKey));
        ulong second = h.Height;
        h.AssertOk(Owner, new DevicesBody.RotateDeviceKey("air-1", K2.PublicKey));
        // Each entry that was rotated out carries the time of the rotating block (the harness's blocks are 1 s apart).
        Assert.Equal(new DeviceKeyRecord(K0.PublicKey, registered, first, 1_000 * (long)first), DevicesStore.Key(h.State, "air-1", 0));
        Assert.Equal(new DeviceKeyRecord(K1.PublicKey, first, second, 1_000 * (long)second), DevicesStore.Key(h.State, "air-1", 1));
        Assert.Equal(new DeviceKeyRecord(K2.PublicKey, second, 0), DevicesStore.Key(h.State, "air-1", 2));
        Assert.Null(DevicesStore.Key(h.State, "air-1", 3));
        var device = DevicesStore.Device(h.State, "air-1")!;
        Assert.Equal((K2.PublicKey, 2U, second, registered), (device.Key, device.KeyIndex, device.KeySince, device.RegisteredAt));
        Assert.True(device.Accepts(K2.PublicKey));
        Assert.False(device.Accepts(K0.PublicKey));
        // Rotating back to an earlier key is allowed: it opens a new history entry.
        h.AssertOk(Owner, new DevicesBody.RotateDeviceKey("air-1", K0.PublicKey));
        Assert.Equal(3U, DevicesStore.Device(h.State, "air-1")!.KeyIndex);
    }

    [Fact]
    public void Revocation_is_final_and_closes_the_current_key()
    {
        var h = new DevicesHarness();
        ulong registered = h.Height;
        h.AssertOk(Owner, Register("air-1", K0));
        ulong revoked = h.Height;
        h.AssertOk(Owner, new DevicesBody.RevokeDevice("air-1"));
        var device = DevicesStore.Device(h.State, "air-1")!;
        Assert.Equal(revoked, device.RevokedAt);
        Assert.True(device.IsRevoked);
        Assert.False(device.Accepts(K0.PublicKey));
        Assert.Equal(new DeviceKeyRecord(K0.PublicKey, registered, revoked, 1_000 * (long)revoked), DevicesStore.Key(h.State, "air-1", 0));
        h.AssertFails(DevicesResults.Revoked, Owner, new DevicesBody.RotateDeviceKey("air-1", K1.PublicKey));
        h.AssertFails(DevicesResults.Revoked, Owner, new DevicesBody.RevokeDevice("air-1"));
        h.AssertFails(DevicesResults.AlreadyExists, Owner, Register("air-1", K1));
    }

    [Fact]
    public void Only_the_gateways_account_anchors_and_only_the_next_batch_number()
    {
        var h = new DevicesHarness();
        h.AssertFails(DevicesResults.NotFound, GatewayAccount, Anchor("gw-1", 0));
        h.AssertOk(Operator, new DevicesBody.RegisterGateway("gw-1", GatewayAccount.Address));
        h.AssertFails(DevicesResults.Unauthorized, Operator, Anchor("gw-1", 0));
        h.AssertFails(DevicesResults.Unauthorized, Outsider, Anchor("gw-1", 0));
        h.AssertFails(DevicesResults.OutOfOrder, GatewayAccount, Anchor("gw-1", 1));
        ulong height = h.Height;
        var anchor = Anchor("gw-1", 0, count: 7, first: -5, last: 90);
        var result = h.Apply(GatewayAccount, anchor);
        Assert.True(result.IsOk, result.Message);
        Assert.Equal(new AnchorRecord(anchor.Root, 7, -5, 90, height, result.TxHash), DevicesStore.Anchor(h.State, "gw-1", 0));
        Assert.Equal(1UL, DevicesStore.Gateway(h.State, "gw-1")!.NextBatch);
        // No double anchoring: batch 0 is taken for good, and nothing may skip ahead.
        h.AssertFails(DevicesResults.OutOfOrder, GatewayAccount, Anchor("gw-1", 0));
        h.AssertFails(DevicesResults.OutOfOrder, GatewayAccount, Anchor("gw-1", 2));
        h.AssertOk(GatewayAccount, Anchor("gw-1", 1));
        Assert.Equal(2UL, DevicesStore.Gateway(h.State, "gw-1")!.NextBatch);
        Assert.Equal(height, DevicesStore.Anchor(h.State, "gw-1", 0)!.Height);
    }

    [Fact]
    public void Anchor_counts_and_time_ranges_are_bounded()
    {
        var h = new DevicesHarness();
        h.AssertOk(Operator, new DevicesBody.RegisterGateway("gw-1", GatewayAccount.Address));
        h.AssertFails(DevicesResults.InvalidArgument, GatewayAccount, Anchor("gw-1", 0, count: 0));
        h.AssertFails(DevicesResults.InvalidArgument, GatewayAccount, Anchor("gw-1", 0, count: DevicesLimits.BatchReadingsMax + 1));
        h.AssertFails(DevicesResults.InvalidArgument, GatewayAccount, Anchor("gw-1", 0, first: 201, last: 200));
        h.AssertOk(GatewayAccount, Anchor("gw-1", 0, count: DevicesLimits.BatchReadingsMax, first: 200, last: 200));
        h.AssertOk(GatewayAccount, Anchor("gw-1", 1, count: 1));
    }

    [Fact]
    public void Malformed_bodies_fail_as_malformed_and_change_nothing()
    {
        var h = new DevicesHarness();
        h.AssertOk(Owner, Register("air-1", K0));
        var valid = Register("air-2", K1).ToBytes();
        foreach (var body in MalformedBodies(valid))
            h.AssertFails(ExecutionResults.MalformedBody, Owner, body);
        Assert.Null(DevicesStore.Device(h.State, "air-2"));
    }

    private static IEnumerable<byte[]> MalformedBodies(byte[] valid)
    {
        yield return [];
        yield return [0];
        yield return [99];
        yield return [.. valid, 0];
        for (int length = 1; length < valid.Length; length++) yield return valid[..length];
        yield return Register("Air-2", K1).ToBytes();
        yield return Register("air/2", K1).ToBytes();
        yield return Register(new string('a', EntityId.LengthMax + 1), K1).ToBytes();
        yield return (Register("air-2", K1) with { Kind = DeviceKind.Custom }).ToBytes();
        yield return (Register("air-2", K1) with { CustomKind = "tram" }).ToBytes();
        yield return (Register("air-2", K1) with { Kind = (DeviceKind)77 }).ToBytes();
        yield return (Register("air-2", K1) with { Location = new GeoPoint(90_000_001, 0) }).ToBytes();
        yield return (Register("air-2", K1) with { Metadata = new string('m', DeviceRecord.MetadataBytesMax + 1) }).ToBytes();
        yield return new DevicesBody.RevokeDevice("").ToBytes();
    }

    [Fact]
    public void Every_body_round_trips_through_its_encoding()
    {
        DevicesBody[] bodies =
        [
            Register("air-1", K0),
            Register("x", K0) with { Kind = DeviceKind.Custom, CustomKind = "noise", Location = new GeoPoint(-90_000_000, 180_000_000), Metadata = "" },
            new DevicesBody.RotateDeviceKey("air-1", K1.PublicKey),
            new DevicesBody.RevokeDevice("air-1"),
            new DevicesBody.RegisterGateway("gw.north_1", GatewayAccount.Address),
            new DevicesBody.AnchorBatch("gw.north_1", ulong.MaxValue, Sha256.Hash([1]), uint.MaxValue, long.MinValue, long.MaxValue),
        ];
        foreach (var body in bodies)
        {
            var bytes = body.ToBytes();
            Assert.Equal(body, DevicesBody.Decode(bytes));
            Assert.Equal(bytes, DevicesBody.Decode(bytes).ToBytes());
        }
        Assert.Throws<CodecException>(() => DevicesBody.Decode([.. bodies[0].ToBytes(), 1]));
    }

    /// <summary>The largest body any operation encodes (a device with the longest id, kind name and metadata) fits the module's limit, so the limit refuses only padding.</summary>
    [Fact]
    public void The_largest_operation_fits_the_modules_body_limit()
    {
        string longest = new('d', EntityId.LengthMax);
        var register = new DevicesBody.RegisterDevice(longest, K0.PublicKey, DeviceKind.Custom, new string('k', DeviceRecord.CustomKindBytesMax),
            new GeoPoint(-90_000_000, -180_000_000), new string('m', DeviceRecord.MetadataBytesMax)).ToBytes();
        var anchor = new DevicesBody.AnchorBatch(longest, ulong.MaxValue, default, uint.MaxValue, long.MinValue, long.MaxValue).ToBytes();
        int limit = new DevicesModule().BodyBytesMax;
        Assert.True(register.Length <= limit, $"registering a device encodes to {register.Length} bytes, over the limit {limit}");
        Assert.True(anchor.Length <= limit);
        Assert.True(register.Length > limit / 2, "the limit is far above the largest body: it buys room for padding");
    }

    /// <summary>Only a device's owner routes it through a gateway, only through a registered one that is not revoked; the record names it and an event says so.</summary>
    [Fact]
    public void Only_the_owner_assigns_a_device_and_only_to_a_registered_gateway()
    {
        var h = new DevicesHarness();
        h.AssertOk(Owner, Register("air-1", K0));
        h.AssertOk(Operator, new DevicesBody.RegisterGateway("gw-1", GatewayAccount.Address));
        h.AssertFails(DevicesResults.NotFound, Owner, new DevicesBody.AssignDevice("air-1", "gw-9"));
        h.AssertFails(DevicesResults.Unauthorized, Outsider, new DevicesBody.AssignDevice("air-1", "gw-1"));
        h.AssertOk(Owner, new DevicesBody.AssignDevice("air-1", "gw-1"));
        Assert.Equal("gw-1", DevicesStore.Device(h.State, "air-1")!.Gateway);
        Assert.Equal("gw-1", DeviceRecord.Decode(DevicesStore.Device(h.State, "air-1")!.ToBytes()).Gateway);
        h.AssertFails(DevicesResults.InvalidArgument, Owner, new DevicesBody.AssignDevice("air-1", "gw-1"));
        var assigned = Assert.IsType<DevicesEvents.Assigned>(DevicesEvents.Decode(DevicesEvents.Assigned.TypeName, new DevicesEvents.Assigned("air-1", "gw-1").ToBytes()));
        Assert.Equal(("air-1", "gw-1"), (assigned.DeviceId, assigned.GatewayId));
    }
}
