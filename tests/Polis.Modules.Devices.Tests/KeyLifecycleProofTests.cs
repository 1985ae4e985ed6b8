using Polis.Client.Light;
using Polis.Modules.Devices;
using Polis.Testing;

namespace Polis.Modules.Devices.Tests;

/// <summary>
/// A reading is judged by the device's key record at the height of the block that anchors it, or by
/// the key history entry of a key rotated out less than <see cref="DevicesLimits.HandoverGraceMs"/>
/// before the anchor, for a reading taken before the rotation.
/// </summary>
public sealed class KeyLifecycleProofTests
{
    [Fact]
    public void A_reading_signed_before_a_rotation_proves_through_an_anchor_within_the_grace_and_not_after_it()
    {
        var city = TestCity.WithDevices("meter-1");
        var oldKey = TestCity.DeviceKey("meter-1");
        var newKey = TestCity.DeviceKey("meter-1-second");
        var client = LightClients.Trusting(city.Genesis);

        var before = city.Anchor(new TestBatch(city.Reading("meter-1", 1, TestCity.Epoch + 1_000, oldKey)), 0);
        var rotation = city.CommitAllOk([city.Tx(TestCity.Operator, new DevicesBody.RotateDeviceKey("meter-1", newKey.PublicKey))]);
        long rotatedAt = rotation.Block.Header.TimeMs;
        // Accepted by the gateway under the old key just before the rotation landed, anchored after it.
        var late = city.Anchor(new TestBatch(city.Reading("meter-1", 2, rotatedAt - 1, oldKey), city.Reading("meter-1", 3, rotatedAt + 1, newKey),
            city.Reading("meter-1", 4, rotatedAt, oldKey)), 1);
        Assert.True(late.Result.IsOk);

        var early = client.VerifyReading(city.Prove(before, 0));
        Assert.True(early.IsValid, early.ToString());
        Assert.Equal(oldKey.PublicKey, early.Facts!.DeviceKey);
        Assert.Null(city.Prove(before, 0).KeyRecord); // the key at the anchor signed it: no history entry needed

        var handedOver = city.Prove(late, 0);
        Assert.Equal(0U, handedOver.KeyRecord!.Index);
        var proven = client.VerifyReading(ReadingProof.Decode(handedOver.ToBytes())); // and through its encoding
        Assert.True(proven.IsValid, proven.ToString());
        Assert.Equal((oldKey.PublicKey, 0U), (proven.Facts!.DeviceKey, proven.Facts.DeviceKeyIndex));

        var fresh = client.VerifyReading(city.Prove(late, 1));
        Assert.True(fresh.IsValid, fresh.ToString());
        Assert.Equal(1U, fresh.Facts!.DeviceKeyIndex);

        // Signed by the old key at or after the rotation: no key of the device's signs it then.
        var afterRotation = client.VerifyReading(city.Prove(late, 2));
        Assert.Equal(ReadingCheck.Signature, afterRotation.FailedCheck);
        Assert.Contains("key 1", afterRotation.Reason);
        var forced = client.VerifyReading(new ReadingProof(city.Prove(late, 2).Reading, city.Prove(late, 2).BatchPath, handedOver.AnchorTx, handedOver.TxPath,
            handedOver.Header, handedOver.Commit, handedOver.AnchorRecord, handedOver.AnchorRecordProof, handedOver.DeviceRecord, handedOver.DeviceRecordProof,
            handedOver.KeyRecord));
        Assert.Equal(ReadingCheck.Signature, forced.FailedCheck);
        Assert.Contains("after key 0 of device 'meter-1' was rotated out", forced.Reason);

        // Anchored more than the grace after the rotation: lost to proof.
        city.Wait(DevicesLimits.HandoverGraceMs);
        var tooLate = city.Anchor(new TestBatch(city.Reading("meter-1", 5, rotatedAt - 2, oldKey)), 2);
        var expired = client.VerifyReading(city.Prove(tooLate, 0));
        Assert.Equal(ReadingCheck.Signature, expired.FailedCheck);
        Assert.Contains("more than 60 minutes after that key was rotated out", expired.Reason);
    }

    [Fact]
    public void A_proof_cannot_offer_the_current_key_or_a_key_entry_the_state_does_not_hold()
    {
        var city = TestCity.WithDevices("meter-1");
        var client = LightClients.Trusting(city.Genesis);
        var rotation = city.CommitAllOk([city.Tx(TestCity.Operator, new DevicesBody.RotateDeviceKey("meter-1", TestCity.DeviceKey("meter-1-second").PublicKey))]);
        var late = city.Anchor(new TestBatch(city.Reading("meter-1", 1, rotation.Block.Header.TimeMs - 1)), 0);
        var proof = city.Prove(late, 0);
        var key = proof.KeyRecord!;
        ReadingProof With(RotatedKeyProof k) => new(proof.Reading, proof.BatchPath, proof.AnchorTx, proof.TxPath, proof.Header, proof.Commit,
            proof.AnchorRecord, proof.AnchorRecordProof, proof.DeviceRecord, proof.DeviceRecordProof, k);
        var current = client.VerifyReading(With(key with { Index = 1 }));
        Assert.Equal(ReadingCheck.Signature, current.FailedCheck);
        Assert.Contains("not one rotated out", current.Reason);
        var forged = new DeviceKeyRecord(TestCity.DeviceKey("meter-1").PublicKey, 0, 99, long.MaxValue).ToBytes();
        var notHeld = client.VerifyReading(With(key with { Record = forged }));
        Assert.Equal(ReadingCheck.Signature, notHeld.FailedCheck);
        Assert.Contains("does not hold this record of key 0", notHeld.Reason);
    }

    [Fact]
    public void A_rotation_in_the_anchoring_block_already_counts()
    {
        var city = TestCity.WithDevices("meter-1");
        var batch = new TestBatch(city.Reading("meter-1", 1, TestCity.Epoch + 500)); // before the next block's time
        var anchorTx = city.Tx(TestCity.GatewayAccount, batch.AnchorBody(TestCity.GatewayId, 0));
        var rotate = city.Tx(TestCity.Operator, new DevicesBody.RotateDeviceKey("meter-1", TestCity.DeviceKey("meter-1-second").PublicKey));
        var committed = city.CommitAllOk([anchorTx, rotate]);
        // The anchor's state already has the new key: the old one is judged by its history entry (rotated out in that very block).
        var proof = city.Prove(batch, 0, anchorTx, committed, 0);
        Assert.NotNull(proof.KeyRecord);
        Assert.True(LightClients.Trusting(city.Genesis).VerifyReading(proof).IsValid);
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
