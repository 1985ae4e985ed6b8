using Polis.Client.Light;
using Polis.Modules.Devices;
using Polis.Testing;

namespace Polis.Modules.Devices.Tests;

/// <summary>A reading is judged by the device's key record at the height of the block that anchors it.</summary>
public sealed class KeyLifecycleProofTests
{
    [Fact]
    public void After_a_rotation_old_anchors_still_prove_and_later_anchors_of_the_old_key_do_not()
    {
        var city = TestCity.WithDevices("meter-1");
        var oldKey = TestCity.DeviceKey("meter-1");
        var newKey = TestCity.DeviceKey("meter-1-second");
        var client = LightClients.Trusting(city.Genesis);

        var before = city.Anchor(new TestBatch(city.Reading("meter-1", 1, TestCity.Epoch + 1_000, oldKey)), 0);
        city.CommitAllOk([city.Tx(TestCity.Operator, new DevicesBody.RotateDeviceKey("meter-1", newKey.PublicKey))]);
        var late = city.Anchor(new TestBatch(city.Reading("meter-1", 2, TestCity.Epoch + 2_000, oldKey), city.Reading("meter-1", 3, TestCity.Epoch + 3_000, newKey)), 1);
        Assert.True(late.Result.IsOk);

        var early = client.VerifyReading(city.Prove(before, 0));
        Assert.True(early.IsValid, early.ToString());
        Assert.Equal(oldKey.PublicKey, early.Facts!.DeviceKey);
        var stale = client.VerifyReading(city.Prove(late, 0));
        Assert.Equal(ReadingCheck.Signature, stale.FailedCheck);
        Assert.Contains("key 1", stale.Reason);
        var fresh = client.VerifyReading(city.Prove(late, 1));
        Assert.True(fresh.IsValid, fresh.ToString());
        Assert.Equal(1U, fresh.Facts!.DeviceKeyIndex);
    }

    [Fact]
    public void A_rotation_in_the_anchoring_block_already_counts()
    {
        var city = TestCity.WithDevices("meter-1");
        var batch = new TestBatch(city.Reading("meter-1", 1, TestCity.Epoch + 1_000));
        var anchorTx = city.Tx(TestCity.GatewayAccount, batch.AnchorBody(TestCity.GatewayId, 0));
        var rotate = city.Tx(TestCity.Operator, new DevicesBody.RotateDeviceKey("meter-1", TestCity.DeviceKey("meter-1-second").PublicKey));
        var committed = city.CommitAllOk([anchorTx, rotate]);
        var result = LightClients.Trusting(city.Genesis).VerifyReading(city.Prove(batch, 0, anchorTx, committed, 0));
        Assert.Equal(ReadingCheck.Signature, result.FailedCheck);
    }

    [Fact]
    public void Readings_of_a_revoked_device_anchored_at_or_after_the_revocation_do_not_prove()
    {
        var city = TestCity.WithDevices("meter-1");
        var client = LightClients.Trusting(city.Genesis);
        var before = city.Anchor(new TestBatch(city.Reading("meter-1", 1, TestCity.Epoch + 1_000)), 0);

        // Anchored in the revoking block itself, ahead of the revocation: still revoked at that height.
        var sameBlockBatch = new TestBatch(city.Reading("meter-1", 2, TestCity.Epoch + 2_000));
        var anchorTx = city.Tx(TestCity.GatewayAccount, sameBlockBatch.AnchorBody(TestCity.GatewayId, 1));
        var revoke = city.Tx(TestCity.Operator, new DevicesBody.RevokeDevice("meter-1"));
        var revokedBlock = city.CommitAllOk([anchorTx, revoke]);
        var sameBlock = client.VerifyReading(city.Prove(sameBlockBatch, 0, anchorTx, revokedBlock, 1));
        Assert.Equal(ReadingCheck.DeviceRecord, sameBlock.FailedCheck);
        Assert.Contains($"revoked at height {revokedBlock.Block.Height}", sameBlock.Reason);

        var after = city.Anchor(new TestBatch(city.Reading("meter-1", 3, TestCity.Epoch + 3_000)), 2);
        Assert.True(after.Result.IsOk); // the chain anchors roots; it cannot see whose readings are inside
        Assert.Equal(ReadingCheck.DeviceRecord, client.VerifyReading(city.Prove(after, 0)).FailedCheck);

        Assert.True(client.VerifyReading(city.Prove(before, 0)).IsValid);
    }

    [Fact]
    public void A_reading_of_an_unregistered_device_does_not_prove()
    {
        var city = TestCity.WithDevices("meter-1");
        var anchored = city.Anchor(new TestBatch(city.Reading("meter-1", 1, TestCity.Epoch + 1_000), city.Reading("ghost-1", 1, TestCity.Epoch + 1_000)), 0);
        var result = LightClients.Trusting(city.Genesis).VerifyReading(city.Prove(anchored, 1));
        Assert.Equal(ReadingCheck.DeviceRecord, result.FailedCheck);
        Assert.Contains("ghost-1", result.Reason);
    }
}
