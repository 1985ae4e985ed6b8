using Polis.Core.Net;
using Polis.Core.Merkle;
using Polis.Gateway;
using static Polis.Gateway.Tests.GatewayTestKit;
using Polis.Testing;

namespace Polis.Gateway.Tests;

public sealed class GatewayStoreTests
{
    [Fact]
    public async Task Accepted_readings_sealed_batches_and_signed_anchors_survive_a_restart_and_nothing_is_sealed_twice()
    {
        using var dir = new TempDirectory();
        var chain = new NodeDownChain(new FakeChain()); // submissions do not get through: the sealed batch stays unanchored
        byte[] sealedTx;
        await using (var gateway = Open(dir.Path, Directory(), chain, TestConfig("gateway-data", batchMax: 3)))
        {
            for (ulong s = 1; s <= 5; s++) Assert.True((await gateway.Pipeline.SubmitAsync(ReadingOf("meter-1", s, Meter).Encoded, null, default)).IsStored);
            await gateway.Anchorer.StepAsync(default, sealNow: true);
            Assert.Equal(1UL, gateway.Store.NextBatch); // batch 0 = readings 1..3; 4..5 wait
            sealedTx = gateway.Store.GetBatch(0)!.AnchorTx;
        }
        await using (var gateway = Open(dir.Path, Directory(), chain, TestConfig("gateway-data", batchMax: 3)))
        {
            Assert.Equal(5UL, gateway.Store.NextOrder);
            Assert.Equal(1UL, gateway.Store.NextBatch);
            Assert.Equal(3UL, gateway.Store.SealedOrder);
            Assert.Equal(0UL, gateway.Store.AnchoredBatches);
            Assert.Equal(sealedTx, gateway.Store.GetBatch(0)!.AnchorTx);
            Assert.Equal(1, gateway.Anchorer.UnanchoredCount);
            Assert.Equal(5UL, gateway.Store.LastSequence("meter-1"));
            Assert.Equal(ReadingReason.Duplicate, (await gateway.Pipeline.SubmitAsync(ReadingOf("meter-1", 5, Meter).Encoded, null, default)).Reason);
            Assert.Equal(ReadingReason.Replayed, (await gateway.Pipeline.SubmitAsync(ReadingOf("meter-1", 4, Meter, value: 7).Encoded, null, default)).Reason);
        }
    }

    [Fact]
    public async Task Readings_accepted_after_the_last_batch_go_into_the_next_batch_after_a_restart()
    {
        using var dir = new TempDirectory();
        var chain = new FakeChain();
        var encoded = new List<byte[]>();
        await using (var gateway = Open(dir.Path, Directory(), chain))
        {
            for (ulong s = 1; s <= 4; s++)
            {
                var r = ReadingOf("meter-1", s, Meter);
                encoded.Add(r.Encoded);
                await gateway.Pipeline.SubmitAsync(r.Encoded, null, default);
            }
            await Settle(gateway); // batch 0 = readings 1..4, anchored
            Assert.Equal(1UL, gateway.Store.AnchoredBatches);
            for (ulong s = 5; s <= 7; s++)
            {
                var r = ReadingOf("meter-1", s, Meter);
                encoded.Add(r.Encoded);
                await gateway.Pipeline.SubmitAsync(r.Encoded, null, default);
            }
        } // stopped with 5..7 accepted but not sealed
        await using (var gateway = Open(dir.Path, Directory(), chain))
        {
            Assert.Equal(4UL, gateway.Store.SealedOrder);
            await Settle(gateway);
            var batch = gateway.Store.GetBatch(1)!;
            Assert.Equal((4UL, 3U, BatchStatus.Anchored), (batch.FirstOrder, batch.Count, batch.Status));
            Assert.Equal(MerkleTree.Root(encoded.GetRange(4, 3)), batch.Root);
            Assert.Equal(2UL, chain.NextBatch);
            Assert.Equal(2, chain.Anchors.Count);
            var recent = gateway.Store.Recent("meter-1", 3);
            Assert.Equal([7UL, 6UL, 5UL], recent.Select(r => r.Sequence).ToArray());
        }
    }

    [Fact]
    public async Task An_unanchored_batch_is_resubmitted_with_the_same_bytes_after_a_restart()
    {
        using var dir = new TempDirectory();
        var chain = new FakeChain();
        byte[] tx;
        await using (var gateway = Open(dir.Path, Directory(), new NodeDownChain(chain)))
        {
            await gateway.Pipeline.SubmitAsync(ReadingOf("meter-1", 1, Meter).Encoded, null, default);
            await gateway.Anchorer.StepAsync(default, sealNow: true); // sealed and signed; the submission does not get through
            Assert.Equal(1UL, gateway.Store.NextBatch);
            Assert.Equal(0UL, gateway.Store.AnchoredBatches);
            tx = gateway.Store.GetBatch(0)!.AnchorTx;
        }
        await using (var gateway = Open(dir.Path, Directory(), chain))
        {
            await Settle(gateway);
            Assert.Equal(tx, Assert.Single(chain.Submitted));
            Assert.Equal(1UL, gateway.Store.AnchoredBatches);
            Assert.Equal(1UL, gateway.Store.NextBatch); // not sealed again
        }
    }

    /// <summary>Seals what waits, submits, and follows the anchors to their commit (the fake chain commits at once).</summary>
    internal static async Task Settle(GatewayService gateway)
    {
        await gateway.Anchorer.StepAsync(default, sealNow: true);
        await gateway.Anchorer.StepAsync(default);
    }

    /// <summary>The chain as seen while the node refuses submissions (503): everything else answers.</summary>
    private sealed class NodeDownChain(FakeChain inner) : IAnchorChain
    {
        public Task<Polis.Modules.Devices.GatewayResponse?> GatewayAsync(string id, CancellationToken c) => inner.GatewayAsync(id, c);
        public Task<ulong> NextNonceAsync(Polis.Core.Crypto.Address a, CancellationToken c) => inner.NextNonceAsync(a, c);
        public Task<(int Status, string Message)> SubmitAsync(byte[] tx, CancellationToken c) => Task.FromResult((503, "mempool full"));
        public Task<Polis.Client.Api.TxStatusResponse?> TxStatusAsync(Polis.Core.Crypto.Hash32 h, CancellationToken c) => inner.TxStatusAsync(h, c);
        public Task<Polis.Modules.Devices.AnchorRecord?> AnchorRecordAsync(string id, ulong b, CancellationToken c) => inner.AnchorRecordAsync(id, b, c);
    }
}

public sealed class BatchPartsCacheTests
{
    /// <summary>At the bound, the batch used longest ago goes; a hot batch stays; a failed fetch is forgotten.</summary>
    [Fact]
    public async Task The_least_recently_used_batch_is_evicted_and_failures_are_not_kept()
    {
        var cache = new BatchPartsCache<string>(capacity: 2);
        int fetches = 0;
        Task<string> Fetch(ulong batch) { Interlocked.Increment(ref fetches); return Task.FromResult($"parts of {batch}"); }
        await cache.GetOrAdd(1, Fetch);
        await cache.GetOrAdd(2, Fetch);
        await cache.GetOrAdd(1, Fetch); // 1 is now the most recent
        await cache.GetOrAdd(3, Fetch); // evicts 2
        Assert.Equal(3, fetches);
        Assert.Equal("parts of 1", await cache.GetOrAdd(1, Fetch));
        Assert.Equal(3, fetches);
        await cache.GetOrAdd(2, Fetch);
        Assert.Equal(4, fetches);
        Assert.Equal(2, cache.Count);
        var failed = cache.GetOrAdd(9, _ => Task.FromException<string>(new IOException("node down")));
        cache.Remove(9, failed);
        await cache.GetOrAdd(9, Fetch);
        Assert.Equal(5, fetches);
    }
}

public sealed class AddressSlotsTests
{
    /// <summary>Permits are bounded in all and per client address (IPv6 by its /64), and come back when released.</summary>
    [Fact]
    public void One_address_holds_its_share_and_all_together_hold_the_total()
    {
        var slots = new AddressSlots(totalMax: 5, perAddressMax: 2);
        var a = System.Net.IPAddress.Parse("10.0.0.1");
        Assert.True(slots.TryTake(a, out var keyA));
        Assert.True(slots.TryTake(a, out _));
        Assert.False(slots.TryTake(a, out _));
        Assert.False(slots.TryTake(a.MapToIPv6(), out _)); // the same host seen through an IPv6 socket
        Assert.True(slots.TryTake(System.Net.IPAddress.Parse("2001:db8::1"), out _));
        Assert.True(slots.TryTake(System.Net.IPAddress.Parse("2001:db8::2"), out _));
        Assert.False(slots.TryTake(System.Net.IPAddress.Parse("2001:db8::ffff"), out _)); // same /64
        Assert.True(slots.TryTake(System.Net.IPAddress.Parse("10.0.0.2"), out _));
        Assert.False(slots.TryTake(System.Net.IPAddress.Parse("10.0.0.3"), out _)); // the total
        Assert.Equal(5, slots.InUse);
        slots.Release(keyA);
        Assert.True(slots.TryTake(System.Net.IPAddress.Parse("10.0.0.3"), out _));
    }
}
