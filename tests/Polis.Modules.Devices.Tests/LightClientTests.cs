using CsCheck;
using Polis.Modules.Devices;
using Polis.Client.Light;
using Polis.Client.Proofs;
using Polis.Core.Ledger;
using Polis.Core.Merkle;
using Polis.Testing;

namespace Polis.Modules.Devices.Tests;

public sealed class LightClientTests
{
    [Fact]
    public void A_valid_proof_verifies_with_the_facts_it_proves()
    {
        var s = new Scenario();
        var result = s.Client.VerifyReading(s.Proof);
        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(ReadingCheck.None, result.FailedCheck);
        var facts = result.Facts!;
        var reading = s.Batch.Readings[Scenario.ProvenIndex];
        var header = s.Anchored.Committed.Block.Header;
        Assert.Equal("meter-2", facts.DeviceId);
        Assert.Equal(2UL, facts.Sequence);
        Assert.Equal(1_700_000_000_250, facts.TimeMs);
        Assert.Equal("energy", facts.Metric);
        Assert.Equal("Wh", facts.Unit);
        Assert.Equal([1234L, -5L], facts.Values);
        Assert.Null(facts.PayloadHash);
        Assert.Equal(header.Height, facts.BlockHeight);
        Assert.Equal(header.TimeMs, facts.BlockTimeMs);
        Assert.Equal(header.Id, facts.BlockId);
        Assert.Equal(TestCity.GatewayId, facts.GatewayId);
        Assert.Equal(0UL, facts.Batch);
        Assert.Equal(5U, facts.BatchSize);
        Assert.Equal((ulong)Scenario.ProvenIndex, facts.BatchIndex);
        Assert.Equal(TestCity.DeviceKey("meter-2").PublicKey, facts.DeviceKey);
        Assert.Equal(0U, facts.DeviceKeyIndex);
        Assert.Equal(TestCity.Operator.Address, facts.DeviceOwner);
        Assert.Equal(reading.Encoded, s.Proof.Reading);
    }

    [Fact]
    public void Every_reading_of_a_batch_is_provable_and_the_encoding_round_trips()
    {
        var s = new Scenario();
        for (int i = 0; i < s.Batch.Readings.Count; i++)
        {
            var bytes = s.City.Prove(s.Anchored, i).ToBytes();
            Assert.Equal(bytes, ReadingProof.Decode(bytes).ToBytes());
            var result = s.Client.VerifyReading(bytes);
            Assert.True(result.IsValid, result.ToString());
            Assert.Equal(s.Batch.Readings[i].Sequence, result.Facts!.Sequence);
        }
    }

    [Fact]
    public void A_proof_is_rejected_under_another_chain_id_or_validator_set()
    {
        var s = new Scenario();
        var otherChain = new LightClient("polis-elsewhere", s.City.Genesis.Validators).VerifyReading(s.Proof);
        Assert.Equal(ReadingCheck.Header, otherChain.FailedCheck);
        Assert.Contains("polis-elsewhere", otherChain.Reason);
        var otherSet = new ValidatorSet([.. TestCity.ValidatorKeys.Select(k => new Validator(k.PublicKey, 1)).Take(3)]);
        var otherValidators = new LightClient(s.City.ChainId, otherSet).VerifyReading(s.Proof);
        Assert.Equal(ReadingCheck.Header, otherValidators.FailedCheck);
        Assert.Contains("validator set", otherValidators.Reason);
    }

    [Fact]
    public void A_proof_from_a_chain_with_another_id_fails_even_with_the_same_validators()
    {
        var s = new Scenario();
        var client = LightClients.Trusting(TestCity.MakeGenesis("polis-other-city"));
        Assert.Equal(ReadingCheck.Header, client.VerifyReading(s.Proof).FailedCheck);
    }

    [Fact]
    public void A_commit_without_more_than_two_thirds_of_the_power_is_rejected()
    {
        var s = new Scenario();
        var block = s.Anchored.Committed.Block;
        var weak = TestCity.Sign(s.City.ChainId, block, signers: 2).ToBytes();
        var result = s.Client.VerifyReading(s.Proof.With(commit: weak));
        Assert.Equal(ReadingCheck.Commit, result.FailedCheck);
        Assert.Contains("two thirds", result.Reason);
    }

    [Fact]
    public void A_commit_for_another_round_or_chain_is_rejected_and_any_quorum_of_signers_is_accepted()
    {
        var s = new Scenario();
        var block = s.Anchored.Committed.Block;
        var otherChain = TestCity.Sign("polis-other-city", block, signers: 4).ToBytes();
        Assert.Equal(ReadingCheck.Commit, s.Client.VerifyReading(s.Proof.With(commit: otherChain)).FailedCheck);
        var all = TestCity.Sign(s.City.ChainId, block, signers: 4, round: 2).ToBytes();
        Assert.True(s.Client.VerifyReading(s.Proof.With(commit: all)).IsValid);
    }

    [Fact]
    public void The_transaction_path_must_carry_the_smallest_leaf_count_of_its_shape()
    {
        var s = new Scenario();
        var block = s.Anchored.Committed.Block;
        Assert.Equal(6, block.Transactions.Count);
        // Index 0 has the same path in blocks of 5 to 8 transactions: the builder writes 5.
        Assert.Equal(5UL, s.Proof.TxPath.LeafCount);
        var leaves = block.Transactions.Select(t => MerkleTree.LeafHash(t.Encoded)).ToArray();
        var realCount = MerkleTree.Prove(leaves, 0);
        Assert.True(realCount.Verify(block.Header.TransactionsRoot, s.Anchored.Tx.Encoded));
        var result = s.Client.VerifyReading(s.Proof.With(txPath: realCount));
        Assert.Equal(ReadingCheck.AnchorTransaction, result.FailedCheck);
        Assert.Contains("canonical", result.Reason);
    }

    [Fact]
    public void The_smallest_leaf_count_is_found_for_every_position_of_blocks_up_to_forty()
    {
        var random = new Random(7);
        for (int count = 1; count <= 40; count++)
        {
            var leaves = Enumerable.Range(0, count).Select(i => MerkleTree.LeafHash([(byte)i, (byte)random.Next(256)])).ToArray();
            var root = MerkleTree.RootOfLeafHashes(leaves);
            for (int index = 0; index < count; index++)
            {
                var shortest = TransactionPaths.Shortest(MerkleTree.Prove(leaves, index), leaves[index], root);
                Assert.True(shortest.VerifyLeafHash(root, leaves[index]));
                Assert.True(TransactionPaths.IsShortest(shortest, leaves[index], root));
                // Brute force: no smaller count verifies.
                for (ulong c = (ulong)index + 1; c < shortest.LeafCount; c++)
                    Assert.False(new MerkleProof((ulong)index, c, [.. shortest.Siblings]).VerifyLeafHash(root, leaves[index]));
            }
        }
    }

    [Fact]
    public void A_reading_outside_the_anchored_time_range_is_rejected()
    {
        var city = TestCity.WithDevices("meter-1");
        var batch = new TestBatch(city.Reading("meter-1", 1, TestCity.Epoch + 5_000), city.Reading("meter-1", 2, TestCity.Epoch + 6_000));
        // The gateway claims a range that leaves out the first reading.
        var anchorTx = city.Tx(TestCity.GatewayAccount, new DevicesBody.AnchorBatch(TestCity.GatewayId, 0, batch.Root, 2, TestCity.Epoch + 5_500, TestCity.Epoch + 6_000));
        var committed = city.CommitAllOk([anchorTx]);
        var client = LightClients.Trusting(city.Genesis);
        Assert.True(client.VerifyReading(city.Prove(batch, 1, anchorTx, committed, 0)).IsValid);
        var result = client.VerifyReading(city.Prove(batch, 0, anchorTx, committed, 0));
        Assert.Equal(ReadingCheck.Reading, result.FailedCheck);
        Assert.Contains("outside the anchored range", result.Reason);
    }

    [Fact]
    public void Any_reading_of_any_batch_anchored_anywhere_in_a_block_is_provable()
    {
        var city = TestCity.WithDevices("meter-1");
        var client = LightClients.Trusting(city.Genesis);
        ulong batchNumber = 0, sequence = 0;
        // One chain grows through the samples, so they run on one thread.
        Gen.Select(Gen.Int[1, 40], Gen.Int[0, 6], Gen.Int[0, 6], Gen.Int[0, 1000]).Sample((size, before, after, pick) =>
        {
            var readings = Enumerable.Range(0, size).Select(_ => city.Reading("meter-1", ++sequence, TestCity.Epoch + 1_000 + (long)sequence)).ToArray();
            var anchored = city.Anchor(new TestBatch(readings), batchNumber++, after, fillersBefore: before);
            int index = pick % size;
            var result = client.VerifyReading(city.Prove(anchored, index).ToBytes());
            return result.IsValid && result.Facts!.BatchIndex == (ulong)index && result.Facts.BatchSize == (uint)size
                && result.Facts.Sequence == readings[index].Sequence;
        }, iter: 60, threads: 1);
    }

    /// <summary>
    /// The gateway's declared time range is only its word; the block's time is the validators'. A
    /// reading more than ten minutes after its anchoring block's time, or more than a year before
    /// it, is not proven, even inside the batch's declared range.
    /// </summary>
    [Fact]
    public void A_reading_time_far_from_the_anchoring_blocks_time_is_not_proven()
    {
        var city = TestCity.WithDevices("meter-1");
        long blockTime = TestCity.Epoch + 1_000; // the next block's time in a TestCity (the first, at Epoch, registered the devices)
        var future = city.Anchor(new TestBatch(city.Reading("meter-1", 1, blockTime + DevicesLimits.ReadingAheadOfBlockMaxMs + 1)), 0);
        Assert.Equal(blockTime, future.Committed.Block.Header.TimeMs);
        var ahead = LightClients.Trusting(city.Genesis).VerifyReading(city.Prove(future, 0));
        Assert.Equal(ReadingCheck.Reading, ahead.FailedCheck);
        Assert.Contains("after the anchoring block's time", ahead.Reason);
        var old = city.Anchor(new TestBatch(city.Reading("meter-1", 2, blockTime + 1_000 - DevicesLimits.ReadingBehindBlockMaxMs - 1)), 1);
        var behind = LightClients.Trusting(city.Genesis).VerifyReading(city.Prove(old, 0));
        Assert.Equal(ReadingCheck.Reading, behind.FailedCheck);
        Assert.Contains("a year before", behind.Reason);
        var fine = city.Anchor(new TestBatch(city.Reading("meter-1", 3, blockTime + 2_000 + DevicesLimits.ReadingAheadOfBlockMaxMs)), 2);
        Assert.True(LightClients.Trusting(city.Genesis).VerifyReading(city.Prove(fine, 0)).IsValid);
    }

    /// <summary>
    /// A device's readings are proven only through the gateway it is assigned to: the same reading
    /// anchored by another registered gateway (replayed through it) does not prove, nor does one of
    /// a device assigned to no gateway.
    /// </summary>
    [Fact]
    public void A_reading_replayed_through_another_gateway_or_of_an_unassigned_device_is_not_proven()
    {
        var city = TestCity.WithDevices("meter-1");
        using var otherAccount = Polis.Core.Crypto.KeyPair.FromLabel("light-gw-2-account");
        city.CommitAllOk([city.Tx(TestCity.Operator, new DevicesBody.RegisterGateway("gw-2", otherAccount.Address)),
            city.Tx(TestCity.Operator, TestCity.Register("meter-9", TestCity.DeviceKey("meter-9")))]);
        var client = LightClients.Trusting(city.Genesis);
        var reading = city.Reading("meter-1", 1, TestCity.Epoch + 1_000);
        var own = city.Anchor(new TestBatch(reading), 0);
        Assert.True(client.VerifyReading(city.Prove(own, 0)).IsValid);
        var replayed = city.Anchor(new TestBatch(reading), 0, gatewayId: "gw-2", sender: otherAccount);
        var elsewhere = client.VerifyReading(city.Prove(replayed, 0));
        Assert.Equal(ReadingCheck.DeviceRecord, elsewhere.FailedCheck);
        Assert.Contains($"goes through gateway '{TestCity.GatewayId}'", elsewhere.Reason);
        Assert.Contains("not 'gw-2'", elsewhere.Reason);
        // Reassigned to gw-2: a reading taken before the reassignment is not proven a second time through gw-2; one taken after is.
        var reassigned = city.CommitAllOk([city.Tx(TestCity.Operator, new DevicesBody.AssignDevice("meter-1", "gw-2"))]);
        long since = reassigned.Block.Header.TimeMs;
        var again = client.VerifyReading(city.Prove(city.Anchor(new TestBatch(reading), 1, gatewayId: "gw-2", sender: otherAccount), 0));
        Assert.Equal(ReadingCheck.DeviceRecord, again.FailedCheck);
        Assert.Contains("before device 'meter-1' was assigned", again.Reason);
        var later = city.Reading("meter-1", 2, since + 1);
        Assert.True(client.VerifyReading(city.Prove(city.Anchor(new TestBatch(later), 2, gatewayId: "gw-2", sender: otherAccount), 0)).IsValid);
        // The previous gateway still proves what was taken before the reassignment, for the grace after it; nothing taken after.
        var handedOver = city.Reading("meter-1", 3, since - 1);
        var byPrevious = city.Anchor(new TestBatch(handedOver, city.Reading("meter-1", 4, since)), 1);
        Assert.True(client.VerifyReading(city.Prove(byPrevious, 0)).IsValid);
        var taken = client.VerifyReading(city.Prove(byPrevious, 1));
        Assert.Equal(ReadingCheck.DeviceRecord, taken.FailedCheck);
        Assert.Contains("after device 'meter-1' moved from 'gw-north' to 'gw-2'", taken.Reason);
        city.Wait(DevicesLimits.HandoverGraceMs);
        var expired = client.VerifyReading(city.Prove(city.Anchor(new TestBatch(city.Reading("meter-1", 5, since - 2)), 2), 0));
        Assert.Equal(ReadingCheck.DeviceRecord, expired.FailedCheck);
        Assert.Contains("more than 60 minutes after device 'meter-1' moved", expired.Reason);
        var unassigned = city.Anchor(new TestBatch(city.Reading("meter-9", 1, TestCity.Epoch + 1_000)), 3);
        var none = client.VerifyReading(city.Prove(unassigned, 0));
        Assert.Equal(ReadingCheck.DeviceRecord, none.FailedCheck);
        Assert.Contains("no gateway", none.Reason);
    }
}
