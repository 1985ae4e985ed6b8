using Polis.Client.Light;
using Polis.Modules.Devices;
using Polis.Execution;
using Polis.Testing;

namespace Polis.Modules.Devices.Tests;

/// <summary>
/// A failed anchor transaction is still in its block, so its inclusion proves nothing; only the
/// anchor record it would have written does, and a failed transaction writes none.
/// </summary>
public sealed class FailedAnchorProofTests
{
    [Fact]
    public void An_anchor_for_an_unregistered_gateway_cannot_be_proven()
    {
        var city = TestCity.WithDevices("meter-1");
        var anchored = city.Anchor(new TestBatch(city.Reading("meter-1", 1, TestCity.Epoch + 1_000)), 0, gatewayId: "gw-unknown");
        Assert.Equal(DevicesResults.NotFound, anchored.Result.Code);
        var result = LightClients.Trusting(city.Genesis).VerifyReading(city.Prove(anchored, 0));
        Assert.Equal(ReadingCheck.AnchorRecord, result.FailedCheck);
        Assert.Contains("fail on chain", result.Reason);
    }

    [Fact]
    public void An_anchor_from_an_account_other_than_the_gateways_cannot_be_proven()
    {
        var city = TestCity.WithDevices("meter-1");
        var anchored = city.Anchor(new TestBatch(city.Reading("meter-1", 1, TestCity.Epoch + 1_000)), 0, sender: TestCity.Operator);
        Assert.Equal(DevicesResults.Unauthorized, anchored.Result.Code);
        Assert.Equal(ReadingCheck.AnchorRecord, LightClients.Trusting(city.Genesis).VerifyReading(city.Prove(anchored, 0)).FailedCheck);
    }

    [Fact]
    public void Re_anchoring_a_batch_number_fails_and_cannot_borrow_the_earlier_record()
    {
        var city = TestCity.WithDevices("meter-1");
        var client = LightClients.Trusting(city.Genesis);
        var first = city.Anchor(new TestBatch(city.Reading("meter-1", 1, TestCity.Epoch + 1_000)), 0);
        Assert.True(first.Result.IsOk);
        var second = city.Anchor(new TestBatch(city.Reading("meter-1", 2, TestCity.Epoch + 2_000)), 0);
        Assert.Equal(DevicesResults.OutOfOrder, second.Result.Code);

        // The state at the second block still holds batch 0's record, written by the first anchor.
        var borrowed = client.VerifyReading(city.Prove(second, 0));
        Assert.Equal(ReadingCheck.AnchorRecord, borrowed.FailedCheck);
        Assert.Contains($"anchored at height {first.Committed.Block.Height}", borrowed.Reason);
        Assert.True(client.VerifyReading(city.Prove(first, 0)).IsValid);
    }

    [Fact]
    public void A_gap_in_batch_numbers_fails_and_cannot_be_proven()
    {
        var city = TestCity.WithDevices("meter-1");
        var skipped = city.Anchor(new TestBatch(city.Reading("meter-1", 1, TestCity.Epoch + 1_000)), 1);
        Assert.Equal(DevicesResults.OutOfOrder, skipped.Result.Code);
        Assert.Equal(ReadingCheck.AnchorRecord, LightClients.Trusting(city.Genesis).VerifyReading(city.Prove(skipped, 0)).FailedCheck);
    }

    [Fact]
    public void A_transaction_that_is_not_an_anchor_cannot_stand_in_for_one()
    {
        var s = new Scenario();
        var block = s.Anchored.Committed.Block;
        var filler = block.Transactions[1];
        var proof = s.Proof.With(anchorTx: filler.Encoded, txPath: ReadingProofBuilder.TransactionPath(filler, block));
        var result = s.Client.VerifyReading(proof);
        Assert.Equal(ReadingCheck.AnchorTransaction, result.FailedCheck);
        Assert.Contains("not devices", result.Reason);
    }

    [Fact]
    public void A_device_registration_is_not_an_anchor()
    {
        var s = new Scenario();
        // A real, committed devices transaction in place of the anchor, with its own block and commit.
        var otherRegister = s.City.Tx(TestCity.Operator, TestCity.Register("meter-9", TestCity.DeviceKey("meter-9")));
        var committed = s.City.CommitAllOk([otherRegister]);
        var proof = s.Proof.With(anchorTx: otherRegister.Encoded, txPath: ReadingProofBuilder.TransactionPath(otherRegister, committed.Block),
            header: committed.Block.Header, commit: committed.CommitBytes);
        var result = s.Client.VerifyReading(proof);
        Assert.Equal(ReadingCheck.AnchorTransaction, result.FailedCheck);
        Assert.Contains("RegisterDevice", result.Reason);
    }
}
