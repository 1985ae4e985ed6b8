using Polis.Modules.Devices;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Core.Merkle;

namespace Polis.Gateway;

/// <summary>
/// The way in for readings, whatever the transport: bound check and decode → the device's current
/// key (cached) → signature verification (in parallel for a many-reading submission; concurrent
/// submissions verify on their own threads) → the committer's sequence check and group commit →
/// the outcome. Nothing is acknowledged as accepted before it is durable.
/// </summary>
public sealed class ReadingPipeline
{

    private readonly string _chainId;
    private readonly DeviceKeyCache _keys;
    private readonly ReadingCommitter _committer;
    private readonly GatewayMetrics _metrics;
    private readonly TimeProvider _time;
    /// <summary>This gateway: only readings of devices assigned to it are taken (another's anchors would not prove them).</summary>
    private readonly string _gatewayId;

    internal ReadingPipeline(string chainId, string gatewayId, DeviceKeyCache keys, ReadingCommitter committer, GatewayMetrics metrics, TimeProvider? time = null)
    {
        _gatewayId = gatewayId;
        _time = time ?? TimeProvider.System;
        _chainId = chainId;
        _keys = keys;
        _committer = committer;
        _metrics = metrics;
    }

    public string ChainId => _chainId;

    /// <summary>Counts a reading the transport refused before decoding (bad topic, oversized payload).</summary>
    public ReadingOutcome Reject(ReadingOutcome outcome)
    {
        _metrics.Count(outcome.Reason);
        return outcome;
    }

    /// <summary>One reading; <paramref name="topicDeviceId"/> is the device its MQTT topic names (null over HTTP).</summary>
    public async ValueTask<ReadingOutcome> SubmitAsync(ReadOnlyMemory<byte> bytes, string? topicDeviceId, CancellationToken cancel)
    {
        var reading = Decode(bytes.Span, topicDeviceId, out var outcome);
        if (reading is not null)
        {
            bool cached = _keys.TryGetCached(reading.DeviceId, out var key);
            if (!cached) (key, outcome) = await LookUp(reading, cancel);
            bool ok = outcome.Reason != ReadingReason.Unavailable && Check(reading, key, out outcome);
            // A refusal on a cached answer is final only if the answer is recent: the device may have a new key.
            if (!ok && cached && MayBeStale(outcome.Reason) && _keys.ForgetIfStale(reading.DeviceId))
            {
                (key, outcome) = await LookUp(reading, cancel);
                ok = outcome.Reason != ReadingReason.Unavailable && Check(reading, key, out outcome);
            }
            if (ok)
            {
                var outcomes = new ReadingOutcome[1];
                var group = new CommitGroup(1, outcomes);
                group.Add(reading, MerkleTree.LeafHash(reading.Encoded), 0);
                await _committer.CommitAsync(group);
                outcome = outcomes[0];
            }
        }
        _metrics.Count(outcome.Reason);
        return outcome;
    }

    /// <summary>
    /// Many readings at once (an HTTP batch, or a device's backlog in one MQTT message, whose topic
    /// names the device every reading must be of): outcomes in the order of <paramref name="items"/>.
    /// </summary>
    public async Task<ReadingOutcome[]> SubmitManyAsync(IReadOnlyList<ReadOnlyMemory<byte>> items, CancellationToken cancel, string? topicDeviceId = null)
    {
        int n = items.Count;
        if (n > GatewayLimits.SubmissionReadingsMax) throw new ArgumentException($"at most {GatewayLimits.SubmissionReadingsMax} readings per submission", nameof(items));
        var outcomes = new ReadingOutcome[n];
        var readings = new Reading?[n];
        var keys = new DeviceKeyInfo?[n];
        HashSet<string>? misses = null;
        for (int i = 0; i < n; i++)
        {
            readings[i] = Decode(items[i].Span, topicDeviceId, out outcomes[i]);
            if (readings[i] is { } r && !_keys.TryGetCached(r.DeviceId, out keys[i])) (misses ??= new HashSet<string>(StringComparer.Ordinal)).Add(r.DeviceId);
        }
        Dictionary<string, (DeviceKeyInfo? Info, bool Found)>? fetched = null;
        if (misses is not null) fetched = await LookUpMany(misses, cancel);
        for (int i = 0; i < n; i++)
        {
            var r = readings[i];
            if (r is null) continue;
            if (fetched is not null && fetched.TryGetValue(r.DeviceId, out var lookup))
            {
                keys[i] = lookup.Info;
                if (!lookup.Found)
                {
                    outcomes[i] = new ReadingOutcome(ReadingReason.Unavailable, r.DeviceId, r.Sequence, "the device's key could not be looked up; retry later");
                    readings[i] = null;
                }
            }
        }
        var (good, leaves) = Verify(readings, keys, outcomes);
        await RecheckStaleRefusals(readings, keys, outcomes, good, leaves, fetched, cancel);
        var group = GroupOf(readings, outcomes, good, leaves);
        await _committer.CommitAsync(group);
        for (int i = 0; i < n; i++) _metrics.Count(outcomes[i].Reason);
        return outcomes;
    }

    /// <summary>Refusals that a stale cache may have caused: the device unknown, or a signature that does not verify under its key.</summary>
    private static bool MayBeStale(ReadingReason reason) => reason is ReadingReason.UnknownDevice or ReadingReason.BadSignature or ReadingReason.WrongGateway;

    /// <summary>
    /// Readings refused on a cached answer older than <see cref="DeviceKeyCache.RecheckAfterMs"/>
    /// are checked again under a fresh lookup: a reading signed with a key rotated in since the
    /// cache was filled is accepted, not refused for good.
    /// </summary>
    private async Task RecheckStaleRefusals(Reading?[] readings, DeviceKeyInfo?[] keys, ReadingOutcome[] outcomes, bool[] good, Hash32[] leaves,
        Dictionary<string, (DeviceKeyInfo? Info, bool Found)>? fetchedNow, CancellationToken cancel)
    {
        HashSet<string>? stale = null;
        for (int i = 0; i < readings.Length; i++)
        {
            if (readings[i] is not { } r || good[i] || !MayBeStale(outcomes[i].Reason) || fetchedNow?.ContainsKey(r.DeviceId) == true) continue;
            if (stale?.Contains(r.DeviceId) == true || _keys.ForgetIfStale(r.DeviceId)) (stale ??= new HashSet<string>(StringComparer.Ordinal)).Add(r.DeviceId);
        }
        if (stale is null) return;
        var fresh = await LookUpMany(stale, cancel);
        for (int i = 0; i < readings.Length; i++)
        {
            if (readings[i] is not { } r || good[i] || !MayBeStale(outcomes[i].Reason) || !fresh.TryGetValue(r.DeviceId, out var lookup)) continue;
            if (!lookup.Found)
            {
                outcomes[i] = new ReadingOutcome(ReadingReason.Unavailable, r.DeviceId, r.Sequence, "the device's key could not be looked up; retry later");
                continue;
            }
            keys[i] = lookup.Info;
            if (Check(r, lookup.Info, out outcomes[i]))
            {
                leaves[i] = MerkleTree.LeafHash(r.Encoded);
                good[i] = true;
            }
        }
    }

    /// <summary>Checks revocation and signature of every decoded reading (in parallel when many).</summary>
    private (bool[] Good, Hash32[] Leaves) Verify(Reading?[] readings, DeviceKeyInfo?[] keys, ReadingOutcome[] outcomes)
    {
        int n = readings.Length;
        var good = new bool[n];
        var leaves = new Hash32[n];
        void One(int i)
        {
            var r = readings[i];
            if (r is null || !Check(r, keys[i], out outcomes[i])) return;
            leaves[i] = MerkleTree.LeafHash(r.Encoded);
            good[i] = true;
        }
        if (n >= GatewayLimits.ParallelVerifyReadingsMin) Parallel.For(0, n, One);
        else for (int i = 0; i < n; i++) One(i);
        return (good, leaves);
    }

    /// <summary>The readings that passed, in submission order, as one group for the committer.</summary>
    private static CommitGroup GroupOf(Reading?[] readings, ReadingOutcome[] outcomes, bool[] good, Hash32[] leaves)
    {
        int n = readings.Length;
        int count = 0;
        for (int i = 0; i < n; i++) if (good[i]) count++;
        var group = new CommitGroup(count, outcomes);
        for (int i = 0; i < n; i++) if (good[i]) group.Add(readings[i]!, leaves[i], i);
        return group;
    }

    /// <summary>Why a reading's time could not be proven once anchored (the light client bounds it by the anchoring block's time), or null.</summary>
    private string? OutOfTime(long timeMs)
    {
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (timeMs > now && timeMs - now > GatewayLimits.ReadingAheadMaxMs) return $"the reading's time is more than {GatewayLimits.ReadingAheadMaxMs / 60_000} minutes ahead of the gateway's clock";
        if (timeMs < now && now - timeMs > GatewayLimits.ReadingBehindMaxMs) return "the reading is too old to be proven once anchored (about a year)";
        return null;
    }

    private Reading? Decode(ReadOnlySpan<byte> bytes, string? topicDeviceId, out ReadingOutcome outcome)
    {
        if (bytes.Length > Reading.EncodedBytesMax)
        {
            outcome = ReadingOutcome.Malformed($"a reading is at most {Reading.EncodedBytesMax} bytes, got {bytes.Length}");
            return null;
        }
        if (!Reading.TryDecode(bytes, out var reading, out string error))
        {
            outcome = ReadingOutcome.Malformed(error);
            return null;
        }
        var r = reading!;
        if (r.ChainId != _chainId) outcome = new ReadingOutcome(ReadingReason.WrongChain, r.DeviceId, r.Sequence, $"reading is for chain '{r.ChainId}', this gateway serves '{_chainId}'");
        else if (topicDeviceId is not null && topicDeviceId != r.DeviceId) outcome = new ReadingOutcome(ReadingReason.TopicMismatch, r.DeviceId, r.Sequence, $"the topic names device '{topicDeviceId}', the reading '{r.DeviceId}'");
        else if (OutOfTime(r.TimeMs) is { } why) outcome = new ReadingOutcome(ReadingReason.OutOfTime, r.DeviceId, r.Sequence, why);
        else
        {
            outcome = new ReadingOutcome(ReadingReason.Accepted, r.DeviceId, r.Sequence, "");
            return r;
        }
        return null;
    }

    private async Task<(DeviceKeyInfo? Key, ReadingOutcome Outcome)> LookUp(Reading r, CancellationToken cancel)
    {
        _metrics.KeyLookups.Inc();
        try
        {
            return (await _keys.GetAsync(r.DeviceId, cancel), default);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancel.IsCancellationRequested)
        {
            // Not the exception's message: it names the node's internal address, which a device's client has no business knowing.
            return (null, new ReadingOutcome(ReadingReason.Unavailable, r.DeviceId, r.Sequence, "the device's key could not be looked up from the chain; retry later"));
        }
    }

    /// <summary>Keys of several devices at once; Found is false where the lookup failed (the node could not be asked).</summary>
    private async Task<Dictionary<string, (DeviceKeyInfo? Info, bool Found)>> LookUpMany(HashSet<string> devices, CancellationToken cancel)
    {
        var tasks = new Dictionary<string, Task<DeviceKeyInfo?>>(devices.Count, StringComparer.Ordinal);
        foreach (string id in devices)
        {
            _metrics.KeyLookups.Inc();
            tasks[id] = _keys.GetAsync(id, cancel).AsTask();
        }
        try { await Task.WhenAll(tasks.Values); }
        catch (Exception) when (!cancel.IsCancellationRequested) { } // each failure is looked at below
        var result = new Dictionary<string, (DeviceKeyInfo?, bool)>(tasks.Count, StringComparer.Ordinal);
        foreach (var (id, task) in tasks) result[id] = task.IsCompletedSuccessfully ? (task.Result, true) : (null, false);
        return result;
    }

    /// <summary>Unknown, revoked, or a signature that does not verify under the device's current key: false with the outcome.</summary>
    private bool Check(Reading r, DeviceKeyInfo? key, out ReadingOutcome outcome)
    {
        if (key is null) outcome = new ReadingOutcome(ReadingReason.UnknownDevice, r.DeviceId, r.Sequence, $"device '{r.DeviceId}' is not registered");
        else if (key.Revoked) outcome = new ReadingOutcome(ReadingReason.DeviceRevoked, r.DeviceId, r.Sequence, $"device '{r.DeviceId}' is revoked");
        else if (key.Gateway != _gatewayId)
            outcome = new ReadingOutcome(ReadingReason.WrongGateway, r.DeviceId, r.Sequence, key.Gateway.Length == 0
                ? $"device '{r.DeviceId}' goes through no gateway yet: its owner assigns it (polis device assign)"
                : $"device '{r.DeviceId}' goes through gateway '{key.Gateway}', not this one");
        else if (r.TimeMs < key.GatewaySinceMs)
            outcome = new ReadingOutcome(ReadingReason.WrongGateway, r.DeviceId, r.Sequence,
                $"the reading was taken at {r.TimeMs}, before device '{r.DeviceId}' was assigned to this gateway (at {key.GatewaySinceMs}): its previous gateway's to anchor");
        else if (!VerifySignature(r, key.Key)) outcome = new ReadingOutcome(ReadingReason.BadSignature, r.DeviceId, r.Sequence, $"the signature does not verify under the current key of '{r.DeviceId}'");
        else
        {
            outcome = new ReadingOutcome(ReadingReason.Accepted, r.DeviceId, r.Sequence, "");
            return true;
        }
        return false;
    }

    /// <summary><see cref="Reading.VerifySignature"/> without allocating the signed bytes: they are rebuilt on the stack.</summary>
    internal static bool VerifySignature(Reading r, PublicKey key)
    {
        var encoded = r.Encoded;
        int unsigned = encoded.Length - Signature.Size;
        Span<byte> message = stackalloc byte[Reading.EncodedBytesMax + 1];
        message[0] = SignDomain.Reading;
        encoded.AsSpan(0, unsigned).CopyTo(message[1..]);
        return key.Verify(message[..(unsigned + 1)], r.Signature);
    }
}
