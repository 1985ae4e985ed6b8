using Polis.Core.Ledger;
using Polis.Modules.Devices;
using Polis.Core.Merkle;
using Polis.Gateway;
using static Polis.Gateway.Tests.GatewayTestKit;
using Polis.Testing;

namespace Polis.Gateway.Tests;

public sealed class AnchorerTests
{
    [Fact]
    public async Task A_sealed_batch_has_the_merkle_root_of_its_readings_in_accept_order_and_one_anchor_carries_it()
    {
        using var dir = new TempDirectory();
        var chain = new FakeChain();
        await using var gateway = Open(dir.Path, Directory(), chain);
        var encoded = new List<byte[]>();
        for (ulong s = 1; s <= 7; s++)
        {
            var r = s % 2 == 0 ? ReadingOf("meter-2", s, Other) : ReadingOf("meter-1", s, Meter);
            encoded.Add(r.Encoded);
            Assert.True((await gateway.Pipeline.SubmitAsync(r.Encoded, null, default)).IsStored);
        }
        await GatewayStoreTests.Settle(gateway);

        var batch = gateway.Store.GetBatch(0)!;
        Assert.Equal(MerkleTree.Root(encoded), batch.Root);
        Assert.Equal((7U, GatewayTestKit.Now + 1, GatewayTestKit.Now + 7), (batch.Count, batch.FirstTimeMs, batch.LastTimeMs));
        var tx = Transaction.Decode(Assert.Single(chain.Submitted));
        Assert.Equal(DevicesKeys.Module, tx.Module);
        var body = Assert.IsType<DevicesBody.AnchorBatch>(DevicesBody.Decode(tx.Body));
        Assert.Equal((GatewayId, 0UL, batch.Root, 7U), (body.GatewayId, body.Batch, body.Root, body.Count));
        Assert.Equal(BatchStatus.Anchored, batch.Status);
        Assert.Equal(chain.Anchors[0].Height, batch.Height);
        var leaves = gateway.Store.Leaves(0);
        Assert.True(MerkleTree.Prove(leaves, 3).Verify(batch.Root, encoded[3]));
    }

    [Fact]
    public async Task A_full_batch_is_sealed_at_the_size_limit_and_the_rest_waits()
    {
        using var dir = new TempDirectory();
        var chain = new FakeChain();
        await using var gateway = Open(dir.Path, Directory(), chain, TestConfig("gateway-data", batchMax: 4));
        var items = new List<ReadOnlyMemory<byte>>();
        for (ulong s = 1; s <= 10; s++) items.Add(ReadingOf("meter-1", s, Meter).Encoded);
        await gateway.Pipeline.SubmitManyAsync(items, default);
        await gateway.Anchorer.StepAsync(default); // not due by time, but 10 ≥ 4 waiting: seal full batches only
        Assert.Equal(2UL, gateway.Store.NextBatch);
        Assert.Equal(8UL, gateway.Store.SealedOrder);
        Assert.Equal(2, chain.Anchors.Count);
    }

    [Fact]
    public async Task Without_registration_readings_are_kept_the_failure_is_counted_and_anchoring_resumes_later()
    {
        using var dir = new TempDirectory();
        var chain = new FakeChain { Registered = false };
        var time = new ManualTime();
        await using var gateway = Open(dir.Path, Directory(), chain, time: time);
        await gateway.Pipeline.SubmitAsync(ReadingOf("meter-1", 1, Meter).Encoded, null, default);
        await gateway.Anchorer.StepAsync(default, sealNow: true);
        Assert.Equal(0UL, gateway.Store.NextBatch);
        Assert.Empty(chain.Submitted);
        Assert.Equal(1, gateway.Metrics.AnchorFailures.WithLabels("not-registered").Value);

        chain.Registered = true;
        await gateway.Anchorer.StepAsync(default, sealNow: true);
        Assert.Equal(0UL, gateway.Store.NextBatch); // still backing off: no spin
        time.Advance(TimeSpan.FromSeconds(3));
        await GatewayStoreTests.Settle(gateway);
        Assert.Equal(1UL, gateway.Store.AnchoredBatches);
    }

    [Fact]
    public async Task An_anchor_the_chain_refuses_is_signed_again_with_a_fresh_nonce_and_the_same_batch_number()
    {
        using var dir = new TempDirectory();
        var chain = new FakeChain { FailNext = DevicesResults.Unauthorized.Name };
        var time = new ManualTime();
        await using var gateway = Open(dir.Path, Directory(), chain, time: time);
        await gateway.Pipeline.SubmitAsync(ReadingOf("meter-1", 1, Meter).Encoded, null, default);
        await GatewayStoreTests.Settle(gateway);
        Assert.Equal(0UL, gateway.Store.AnchoredBatches);
        Assert.Equal(1, gateway.Metrics.AnchorFailures.WithLabels("unauthorized").Value);
        time.Advance(TimeSpan.FromSeconds(3));
        await GatewayStoreTests.Settle(gateway);
        await gateway.Anchorer.StepAsync(default);
        Assert.Equal(1UL, gateway.Store.AnchoredBatches);
        Assert.Equal(2, chain.Submitted.Count);
        var first = Transaction.Decode(chain.Submitted[0]);
        var second = Transaction.Decode(chain.Submitted[1]);
        Assert.Equal((0UL, 1UL), (first.Nonce, second.Nonce));
        Assert.Equal(0UL, ((DevicesBody.AnchorBatch)DevicesBody.Decode(second.Body)).Batch);
        Assert.Equal(1UL, gateway.Store.NextBatch);
    }
}
