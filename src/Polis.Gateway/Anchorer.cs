using Microsoft.Extensions.Logging;
using Polis.Modules.Devices;
using Polis.Client.Api;
using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Core.Merkle;

namespace Polis.Gateway;

/// <summary>
/// Seals accepted readings into batches (every <see cref="GatewayConfig.BatchIntervalMs"/>, or at
/// once when <see cref="GatewayConfig.BatchReadingsMax"/> wait), signs one anchor transaction per
/// batch, stores batch and transaction atomically before the first submission, submits, and follows
/// each anchor to its commit. Batches carry consecutive numbers that the chain checks, so a batch can
/// never be anchored twice, however often its transaction is resubmitted. When the chain refuses an
/// anchor (gateway not registered, wrong account…) the readings stay stored, the failure is logged and
/// counted, and anchoring is retried with a growing delay, re-signing the unanchored batches with fresh
/// nonces. One task runs it; nothing here is shared with other threads except through the store.
/// </summary>
public sealed class Anchorer
{
    private const long ResubmitAfterMs = 3_000;
    private const long BackoffFirstMs = 2_000;
    private const long BackoffMaxMs = 60_000;

    private readonly GatewayConfig _config;
    private readonly string _chainId;
    private readonly KeyPair _account;
    private readonly GatewayStore _store;
    private readonly PendingReadings _pending;
    private readonly IAnchorChain _chain;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Dictionary<ulong, long> _submittedAtMs = new();
    private List<BatchRecord> _unanchored;
    private ulong? _nextNonce;
    private bool _checked, _resign, _nodeWarned;
    private long _blockedUntilMs, _backoffMs = BackoffFirstMs, _lastSealMs;

    public Anchorer(GatewayConfig config, string chainId, KeyPair account, GatewayStore store, PendingReadings pending, IAnchorChain chain,
        GatewayMetrics metrics, ILogger log, TimeProvider? time = null)
    {
        _config = config;
        _chainId = chainId;
        _account = account;
        _store = store;
        _pending = pending;
        _chain = chain;
        _metrics = metrics;
        _log = log;
        _time = time ?? TimeProvider.System;
        _unanchored = store.Unanchored();
        _lastSealMs = NowMs;
        _metrics.Unanchored.Set(_unanchored.Count);
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Sealed batches whose anchor has not committed yet.</summary>
    public int UnanchoredCount => _unanchored.Count;

    /// <summary>Asks for a step now (many readings are waiting).</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try { _wake.Release(); }
            catch (SemaphoreFullException) { }
        }
    }

    public async Task RunAsync(CancellationToken cancel)
    {
        var poll = TimeSpan.FromMilliseconds(Math.Min(_config.BatchIntervalMs, 250));
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                await StepAsync(cancel);
                if (_nodeWarned) _log.LogInformation("gateway: the node answers again");
                _nodeWarned = false;
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return;
            }
            catch (NodeApiException e)
            {
                if (!_nodeWarned) _log.LogWarning("gateway: cannot anchor through the node ({Message}); accepted readings are kept, retrying", e.Message);
                _nodeWarned = true;
                _metrics.AnchorFailures.WithLabels("node-unreachable").Inc();
                _blockedUntilMs = NowMs + BackoffFirstMs;
            }
            try { await _wake.WaitAsync(poll, cancel); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>One round: check the gateway's registration, re-sign after a refusal, follow anchors in flight, seal what is due.</summary>
    internal async Task StepAsync(CancellationToken cancel, bool sealNow = false)
    {
        if (NowMs < _blockedUntilMs) return;
        if (!_checked && !await CheckGatewayAsync(cancel)) return;
        if (_resign && !await ResignAsync(cancel)) return;
        if (!await FollowAsync(cancel)) return;
        await SealDueAsync(sealNow, cancel);
    }

    private async Task<bool> CheckGatewayAsync(CancellationToken cancel)
    {
        var gateway = await _chain.GatewayAsync(_config.Id, cancel);
        if (gateway is null) return Refused("not-registered", $"gateway '{_config.Id}' is not registered on chain; accepted readings are kept and anchored once an operator registers it with account {_account.Address}");
        if (gateway.RevokedAt is not null) return Refused("gateway-revoked", $"gateway '{_config.Id}' was revoked on chain at height {gateway.RevokedAt}; accepted readings are kept but cannot be anchored");
        if (gateway.Account != _account.Address.ToString()) return Refused("wrong-account", $"gateway '{_config.Id}' anchors from account {gateway.Account} on chain, but this gateway's key is {_account.Address}");
        ulong chainNonce = await _chain.NextNonceAsync(_account.Address, cancel);
        ulong next = chainNonce;
        foreach (var b in _unanchored) next = Math.Max(next, b.Nonce + 1);
        _nextNonce = Math.Max(_nextNonce ?? 0, next);
        if (_backoffMs > BackoffFirstMs) _log.LogInformation("gateway '{Id}': registered on chain, anchoring resumes", _config.Id);
        _checked = true;
        return true;
    }

    /// <summary>Follows anchors in flight in batch order; false when this round should stop here.</summary>
    private async Task<bool> FollowAsync(CancellationToken cancel)
    {
        int i = 0;
        while (i < _unanchored.Count)
        {
            var batch = _unanchored[i];
            var hash = batch.AnchorTxHash;
            var status = await _chain.TxStatusAsync(hash, cancel);
            if (status is { Status: "committed" })
            {
                if (status.Result != TxStatusResponse.OkResult)
                {
                    await OnRefusedAsync(batch, status.Result ?? "failed", status.Message ?? "", cancel);
                    return false;
                }
                if (i != 0)
                {
                    // The chain anchors in order: an earlier batch must have anchored too; ask again next round.
                    _log.LogWarning("gateway: batch {Batch} anchored before batch {Earlier} was seen anchored", batch.Number, _unanchored[0].Number);
                    return false;
                }
                MarkAnchored(batch, status.Height ?? 0, hash);
                continue;
            }
            if (status is null)
            {
                if (_submittedAtMs.TryGetValue(batch.Number, out long at) && NowMs - at < ResubmitAfterMs) { i++; continue; }
                if (!await SubmitAsync(batch, cancel)) return false;
            }
            i++;
        }
        return true;
    }

    private async Task SealDueAsync(bool sealNow, CancellationToken cancel)
    {
        while (_unanchored.Count < _config.AnchorsInFlightMax && _nextNonce is not null)
        {
            int waiting = _pending.Count;
            bool full = waiting >= _config.BatchReadingsMax;
            bool due = waiting > 0 && (sealNow || NowMs - _lastSealMs >= _config.BatchIntervalMs);
            if (!full && !due) return;
            var batch = Seal();
            if (!await SubmitAsync(batch, cancel)) return;
        }
    }

    /// <summary>Seals the oldest pending readings into the next batch; record, leaves and signed anchor are written before anything is submitted.</summary>
    internal BatchRecord Seal()
    {
        var (firstOrder, leaves, firstTime, lastTime) = _pending.Peek(_config.BatchReadingsMax);
        Invariant.Check(firstOrder == _store.SealedOrder, "gateway: pending readings start where the last batch ended");
        var root = MerkleTree.RootOfLeafHashes(leaves);
        ulong number = _store.NextBatch;
        var unsigned = new BatchRecord(number, firstOrder, (uint)leaves.Length, root, firstTime, lastTime, [], BatchStatus.Pending, 0, default);
        var batch = unsigned with { AnchorTx = SignAnchor(unsigned, _nextNonce!.Value) };
        _store.Seal(batch, leaves);
        _pending.Remove(leaves.Length);
        _nextNonce++;
        _unanchored.Add(batch);
        _lastSealMs = NowMs;
        _metrics.BatchesSealed.Inc();
        _metrics.Unsealed.Set(_pending.Count);
        _metrics.Unanchored.Set(_unanchored.Count);
        _log.LogDebug("gateway: sealed batch {Batch} ({Count} readings, root {Root})", number, leaves.Length, root.Short);
        return batch;
    }

    private byte[] SignAnchor(BatchRecord b, ulong nonce)
    {
        var body = new DevicesBody.AnchorBatch(_config.Id, b.Number, b.Root, b.Count, b.FirstTimeMs, b.LastTimeMs).ToBytes();
        return Transaction.Create(_chainId, _account, nonce, DevicesKeys.Module, body).Encoded;
    }

    private async Task<bool> SubmitAsync(BatchRecord batch, CancellationToken cancel)
    {
        var (status, message) = await _chain.SubmitAsync(batch.AnchorTx, cancel);
        if (status == 202)
        {
            _submittedAtMs[batch.Number] = NowMs;
            return true;
        }
        if (status is 0 or 503 or >= 500)
        {
            _log.LogDebug("gateway: the node did not take the anchor of batch {Batch} now ({Status}: {Message})", batch.Number, status, message);
            _blockedUntilMs = NowMs + 1_000;
            return false;
        }
        await OnRefusedAsync(batch, "refused", message, cancel);
        return false;
    }

    /// <summary>
    /// The chain (or the node's mempool) refused a batch's anchor. If the batch is anchored all the
    /// same (an earlier signing of it committed), take that; otherwise count, log, back off, re-sign.
    /// </summary>
    private async Task OnRefusedAsync(BatchRecord batch, string result, string message, CancellationToken cancel)
    {
        var onChain = await _chain.AnchorRecordAsync(_config.Id, batch.Number, cancel);
        if (onChain is not null)
        {
            if (onChain.Root == batch.Root && onChain.Count == batch.Count && batch.Number == _unanchored[0].Number)
            {
                _log.LogInformation("gateway: batch {Batch} is already anchored at height {Height}", batch.Number, onChain.Height);
                MarkAnchored(batch, onChain.Height, onChain.TxHash);
                return;
            }
            _backoffMs = BackoffMaxMs;
            Refused("conflict", $"batch {batch.Number} of gateway '{_config.Id}' is anchored on chain with root {onChain.Root.Short}, but this store sealed root {batch.Root.Short}: another gateway process uses this id and account? Anchoring is suspended");
            return;
        }
        _resign = true;
        Refused(ReasonLabel(result), $"the anchor of batch {batch.Number} was refused ({result}: {message}); its readings are kept and the unanchored batches are signed again");
    }

    /// <summary>Signs the unanchored batches again with fresh nonces, once none of their anchors is still pending anywhere we can see.</summary>
    private async Task<bool> ResignAsync(CancellationToken cancel)
    {
        foreach (var b in _unanchored)
        {
            var status = await _chain.TxStatusAsync(b.AnchorTxHash, cancel);
            if (status is { Status: "pending" }) return false; // it still holds its nonce
            if (status is { Status: "committed", Result: TxStatusResponse.OkResult })
            {
                _resign = false; // something anchored after all: follow it first
                return true;
            }
        }
        ulong nonce = await _chain.NextNonceAsync(_account.Address, cancel);
        var resigned = new List<BatchRecord>(_unanchored.Count);
        foreach (var b in _unanchored) resigned.Add(b with { AnchorTx = SignAnchor(b, nonce++) });
        _store.Replace(resigned);
        _unanchored = resigned;
        _nextNonce = nonce;
        _submittedAtMs.Clear();
        _resign = false;
        if (resigned.Count > 0) _log.LogInformation("gateway: signed {Count} unanchored batches again from nonce {Nonce}", resigned.Count, nonce - (ulong)resigned.Count);
        return true;
    }

    private void MarkAnchored(BatchRecord batch, ulong height, Hash32 txHash)
    {
        _store.MarkAnchored(batch, height, txHash);
        _unanchored.RemoveAt(0);
        _submittedAtMs.Remove(batch.Number);
        _backoffMs = BackoffFirstMs;
        _metrics.BatchesAnchored.Inc();
        _metrics.AnchoredHeight.Set(height);
        _metrics.Unanchored.Set(_unanchored.Count);
        _log.LogDebug("gateway: batch {Batch} anchored at height {Height}", batch.Number, height);
    }

    /// <summary>Logs and counts a refusal and waits before the next try (doubling up to a minute): never a spin.</summary>
    private bool Refused(string reason, string message)
    {
        _metrics.AnchorFailures.WithLabels(reason).Inc();
        _log.LogWarning("gateway: {Message}; next try in {Seconds} s", message, _backoffMs / 1000);
        _blockedUntilMs = NowMs + _backoffMs;
        _backoffMs = Math.Min(_backoffMs * 2, BackoffMaxMs);
        _checked = false;
        return false;
    }

    /// <summary>The metric label of a refusal: the result's own name without its module (<c>devices.out-of-order</c> is <c>out-of-order</c>).</summary>
    private static string ReasonLabel(string result)
    {
        int dot = result.LastIndexOf('.');
        return dot >= 0 && dot < result.Length - 1 ? result[(dot + 1)..] : result;
    }
}
