using Polis.Gateway;
using Polis.Modules.Devices;
using static Polis.Gateway.Tests.GatewayTestKit;
using Polis.Testing;

namespace Polis.Gateway.Tests;

public sealed class ReadingPipelineTests
{
    private static async Task<ReadingOutcome> Submit(GatewayService gateway, byte[] bytes, string? topic = null) =>
        await gateway.Pipeline.SubmitAsync(bytes, topic, CancellationToken.None);

    [Fact]
    public async Task Each_kind_of_bad_reading_is_refused_with_its_reason_and_counted()
    {
        using var dir = new TempDirectory();
        await using var gateway = Open(dir.Path, Directory(), new FakeChain());

        Assert.Equal(ReadingReason.Accepted, (await Submit(gateway, ReadingOf("meter-1", 1, Meter).Encoded)).Reason);
        Assert.Equal(ReadingReason.Malformed, (await Submit(gateway, [1, 2, 3])).Reason);
        Assert.Equal(ReadingReason.Malformed, (await Submit(gateway, new byte[10_000])).Reason);
        Assert.Equal(ReadingReason.WrongChain, (await Submit(gateway, ReadingOf("meter-1", 2, Meter, chainId: "other-chain").Encoded)).Reason);
        Assert.Equal(ReadingReason.UnknownDevice, (await Submit(gateway, ReadingOf("nobody", 1, Meter).Encoded)).Reason);
        Assert.Equal(ReadingReason.DeviceRevoked, (await Submit(gateway, ReadingOf("meter-old", 1, Other).Encoded)).Reason);
        Assert.Equal(ReadingReason.BadSignature, (await Submit(gateway, ReadingOf("meter-1", 3, Other).Encoded)).Reason); // forged: another key
        Assert.Equal(ReadingReason.TopicMismatch, (await Submit(gateway, ReadingOf("meter-1", 4, Meter).Encoded, topic: "meter-2")).Reason);
        Assert.Equal(ReadingReason.Replayed, (await Submit(gateway, ReadingOf("meter-1", 1, Meter, value: 99).Encoded)).Reason);

        var m = gateway.Metrics;
        Assert.Equal(1, m.Readings(ReadingReason.Accepted));
        Assert.Equal(2, m.Readings(ReadingReason.Malformed));
        Assert.Equal(1, m.Readings(ReadingReason.BadSignature));
        Assert.Equal(1, m.Readings(ReadingReason.Replayed));
        Assert.Equal(1UL, gateway.Store.NextOrder); // only the good one was stored
    }

    [Fact]
    public async Task Sequence_numbers_must_increase_per_device_gaps_are_fine_and_a_retransmission_is_a_duplicate()
    {
        using var dir = new TempDirectory();
        await using var gateway = Open(dir.Path, Directory(), new FakeChain());
        var first = ReadingOf("meter-1", 5, Meter);
        Assert.Equal(ReadingReason.Accepted, (await Submit(gateway, first.Encoded)).Reason);
        Assert.Equal(ReadingReason.Accepted, (await Submit(gateway, ReadingOf("meter-1", 9, Meter).Encoded)).Reason);
        Assert.Equal(ReadingReason.Accepted, (await Submit(gateway, ReadingOf("meter-2", 1, Other).Encoded)).Reason); // devices are independent
        var again = await Submit(gateway, first.Encoded);
        Assert.Equal(ReadingReason.Duplicate, again.Reason);
        Assert.True(again.IsStored);
        Assert.Equal(ReadingReason.OutOfOrder, (await Submit(gateway, ReadingOf("meter-1", 7, Meter).Encoded)).Reason);
        Assert.Equal(ReadingReason.Replayed, (await Submit(gateway, ReadingOf("meter-1", 9, Meter, value: 2).Encoded)).Reason);
        Assert.Equal(3UL, gateway.Store.NextOrder);
        Assert.Equal(9UL, gateway.Store.LastSequence("meter-1"));
    }

    [Fact]
    public async Task A_many_reading_submission_is_verified_in_parallel_and_answered_per_reading_in_order()
    {
        using var dir = new TempDirectory();
        var devices = Directory();
        await using var gateway = Open(dir.Path, devices, new FakeChain());
        var items = new List<ReadOnlyMemory<byte>>();
        for (ulong s = 1; s <= 200; s++) items.Add(ReadingOf("meter-1", s, Meter).Encoded);
        items.Add(ReadingOf("meter-1", 201, Other).Encoded); // forged
        items.Add(ReadingOf("meter-1", 150, Meter).Encoded); // out of order (within the same submission's run)
        items.Add(ReadingOf("meter-1", 200, Meter).Encoded); // retransmitted within the submission
        items.Add(new byte[] { 0xff });
        var outcomes = await gateway.Pipeline.SubmitManyAsync(items, CancellationToken.None);
        for (int i = 0; i < 200; i++) Assert.Equal((ReadingReason.Accepted, (ulong)i + 1), (outcomes[i].Reason, outcomes[i].Sequence));
        Assert.Equal(ReadingReason.BadSignature, outcomes[200].Reason);
        Assert.Equal(ReadingReason.Duplicate, outcomes[201].Reason);
        Assert.Equal(ReadingReason.Duplicate, outcomes[202].Reason);
        Assert.Equal(ReadingReason.Malformed, outcomes[203].Reason);
        Assert.Equal(200UL, gateway.Store.NextOrder);
        Assert.Equal(1, devices.Lookups); // one key lookup for the whole submission
    }

    [Fact]
    public async Task A_device_key_that_cannot_be_looked_up_gives_unavailable_and_nothing_is_stored()
    {
        using var dir = new TempDirectory();
        var devices = Directory();
        devices.Down = true;
        await using var gateway = Open(dir.Path, devices, new FakeChain());
        var outcome = await Submit(gateway, ReadingOf("meter-1", 1, Meter).Encoded);
        Assert.Equal(ReadingReason.Unavailable, outcome.Reason);
        Assert.True(outcome.Reason.IsTransient());
        Assert.DoesNotContain("10.9.8.7", outcome.Message); // the node's internal address stays internal
        devices.Down = false;
        var retried = await Submit(gateway, ReadingOf("meter-1", 1, Meter).Encoded);
        Assert.True(retried.Reason == ReadingReason.Accepted, retried.Message);
    }

    /// <summary>
    /// A device's key rotated on chain while the gateway still held the old one (its event stream
    /// lagging): a reading signed with the new key is refused only on a cached answer younger than
    /// the recheck interval; after that, the gateway asks again and accepts it, single or in a batch.
    /// </summary>
    [Fact]
    public async Task A_reading_under_a_key_rotated_in_after_the_cache_was_filled_is_not_refused_for_good()
    {
        using var dir = new TempDirectory();
        var devices = Directory();
        var time = new ManualTime();
        await using var gateway = Open(dir.Path, devices, new FakeChain(), time: time);
        Assert.Equal(ReadingReason.Accepted, (await Submit(gateway, ReadingOf("meter-1", 1, Meter).Encoded)).Reason);
        devices.With("meter-1", Other); // rotated on chain; no event reached the cache
        int lookups = devices.Lookups;
        // Within the recheck interval the cached key is final: forgeries cost no lookups.
        Assert.Equal(ReadingReason.BadSignature, (await Submit(gateway, ReadingOf("meter-1", 2, Other).Encoded)).Reason);
        Assert.Equal(lookups, devices.Lookups);
        time.Advance(TimeSpan.FromMilliseconds(DeviceKeyCache.RecheckAfterMs));
        Assert.Equal(ReadingReason.Accepted, (await Submit(gateway, ReadingOf("meter-1", 2, Other).Encoded)).Reason);
        Assert.Equal(lookups + 1, devices.Lookups);
        // The same in a batch: a new device registered after an "unknown" was cached.
        Assert.Equal(ReadingReason.UnknownDevice, (await Submit(gateway, ReadingOf("meter-9", 1, Meter).Encoded)).Reason);
        devices.With("meter-9", Meter);
        time.Advance(TimeSpan.FromMilliseconds(DeviceKeyCache.RecheckAfterMs));
        var outcomes = await gateway.Pipeline.SubmitManyAsync([ReadingOf("meter-9", 1, Meter).Encoded, ReadingOf("meter-1", 3, Other).Encoded], CancellationToken.None);
        Assert.Equal([ReadingReason.Accepted, ReadingReason.Accepted], outcomes.Select(o => o.Reason));
    }

    /// <summary>A reading whose time the light client would not accept against its anchoring block (a light client bounds it by the block's time) is refused at once, not stored to be unprovable.</summary>
    [Fact]
    public async Task A_reading_from_the_future_or_nearly_a_year_back_is_refused_as_out_of_time()
    {
        using var dir = new TempDirectory();
        var time = new ManualTime();
        await using var gateway = Open(dir.Path, Directory(), new FakeChain(), time: time);
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        Reading At(ulong sequence, long timeMs) => Reading.Create(ChainId, "meter-1", sequence, timeMs, "energy", "wh", [1], null, Meter);
        Assert.Equal(ReadingReason.OutOfTime, (await Submit(gateway, At(1, now + GatewayLimits.ReadingAheadMaxMs + 1).Encoded)).Reason);
        Assert.Equal(ReadingReason.OutOfTime, (await Submit(gateway, At(1, now - GatewayLimits.ReadingBehindMaxMs - 1).Encoded)).Reason);
        Assert.Equal(ReadingReason.Accepted, (await Submit(gateway, At(1, now - GatewayLimits.ReadingBehindMaxMs + 60_000).Encoded)).Reason);
        Assert.Equal(ReadingReason.Accepted, (await Submit(gateway, At(2, now + GatewayLimits.ReadingAheadMaxMs - 1).Encoded)).Reason);
    }

    /// <summary>A device that goes through another gateway (or none) is refused: this gateway's anchors would not prove its readings. Re-assigned to it, its readings are taken once the cached answer is a second old.</summary>
    [Fact]
    public async Task A_reading_of_a_device_of_another_gateway_is_refused_until_it_is_assigned_here()
    {
        using var dir = new TempDirectory();
        var devices = Directory().With("meter-7", Meter, gateway: "gw-other").With("meter-8", Meter, gateway: "");
        var time = new ManualTime();
        await using var gateway = Open(dir.Path, devices, new FakeChain(), time: time);
        var refused = await Submit(gateway, ReadingOf("meter-7", 1, Meter).Encoded);
        Assert.Equal(ReadingReason.WrongGateway, refused.Reason);
        Assert.Contains("gw-other", refused.Message);
        Assert.Equal(ReadingReason.WrongGateway, (await Submit(gateway, ReadingOf("meter-8", 1, Meter).Encoded)).Reason);
        devices.With("meter-7", Meter); // assigned here on chain
        time.Advance(TimeSpan.FromMilliseconds(DeviceKeyCache.RecheckAfterMs));
        Assert.Equal(ReadingReason.Accepted, (await Submit(gateway, ReadingOf("meter-7", 1, Meter).Encoded)).Reason);
    }

    /// <summary>A reading taken before its device was assigned here is the previous gateway's to anchor: ours would not prove it.</summary>
    [Fact]
    public async Task A_reading_taken_before_the_device_was_assigned_here_is_refused()
    {
        using var dir = new TempDirectory();
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var devices = Directory().With("meter-1", Meter, gatewaySinceMs: now - 60_000);
        await using var gateway = Open(dir.Path, devices, new FakeChain());
        Reading At(ulong sequence, long timeMs) => Reading.Create(ChainId, "meter-1", sequence, timeMs, "energy", "wh", [1], null, Meter);
        var before = await Submit(gateway, At(1, now - 60_001).Encoded);
        Assert.Equal(ReadingReason.WrongGateway, before.Reason);
        Assert.Contains("before device 'meter-1' was assigned to this gateway", before.Message);
        Assert.Equal(ReadingReason.Accepted, (await Submit(gateway, At(2, now - 60_000).Encoded)).Reason);
    }

    [Fact]
    public void Reason_names_are_stable_and_map_to_mqtt_reason_codes()
    {
        Assert.Equal("bad-signature", ReadingReason.BadSignature.Name());
        Assert.Equal("unknown-device", ReadingReason.UnknownDevice.Name());
        Assert.Equal("out-of-order", ReadingReason.OutOfOrder.Name());
        Assert.True(ReadingReasons.TryParse("device-revoked", out var revoked) && revoked == ReadingReason.DeviceRevoked);
        Assert.Equal(MQTTnet.Protocol.MqttPubAckReasonCode.Success, ReadingReason.Accepted.PubAckCode());
        Assert.Equal(MQTTnet.Protocol.MqttPubAckReasonCode.NotAuthorized, ReadingReason.BadSignature.PubAckCode());
        Assert.Equal(MQTTnet.Protocol.MqttPubAckReasonCode.PayloadFormatInvalid, ReadingReason.Malformed.PubAckCode());
        Assert.Equal(MQTTnet.Protocol.MqttPubAckReasonCode.QuotaExceeded, ReadingReason.Overloaded.PubAckCode());
        for (int i = 0; i < ReadingReasons.Count; i++) Assert.Matches("^[a-z-]+$", ((ReadingReason)i).Name());
    }
}
