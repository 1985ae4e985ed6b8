using Polis.Modules.Devices;
using Polis.Client.Api;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Core.Merkle;
using Polis.Core.Proofs;

namespace Polis.Gateway;

/// <summary>Why a proof could not be made: no such reading, or not anchored yet (with the batch if sealed).</summary>
public sealed record ProofUnavailable(string Reason, string Message);

/// <summary>
/// Assembles a reading's self-contained <see cref="ReadingProof"/>: the reading and its path in the
/// batch tree from the gateway store; the block, commit, anchor transaction with its path to the
/// transactions root, and state proofs of the anchor and device records at the anchor's height from
/// the node. The block-level parts are shared by every reading of a batch, so they are cached per batch.
/// </summary>
public sealed class ProofAssembler(string gatewayId, GatewayStore store, NodeClient node)
{
    private readonly BatchPartsCache<BatchParts> _batches = new(GatewayLimits.ProofBatchesCachedMax);

    private sealed record BatchParts(Hash32[] Leaves, byte[] AnchorTx, MerkleProof TxPath, BlockHeader Header, byte[] Commit,
        byte[] AnchorRecord, StateProof AnchorProof);

    /// <summary>The proof with the reading's batch, or why there is none.</summary>
    public async Task<(ReadingProof? Proof, BatchRecord? Batch, ProofUnavailable? Unavailable)> BuildAsync(string deviceId, ulong sequence, CancellationToken cancel)
    {
        if (store.OrderOf(deviceId, sequence) is not { } order) return (null, null, new ProofUnavailable("unknown-reading", $"no reading {sequence} of device '{deviceId}' was accepted by this gateway"));
        var reading = store.ReadingAt(order) ?? throw new InvalidDataException($"gateway store: reading at order {order} is missing");
        var batch = store.BatchContaining(order);
        if (batch is null) return (null, null, new ProofUnavailable("not-sealed", $"reading {sequence} of '{deviceId}' is accepted and waits for its batch to be sealed"));
        if (batch.Status != BatchStatus.Anchored) return (null, batch, new ProofUnavailable("not-anchored", $"reading {sequence} of '{deviceId}' is in batch {batch.Number}, whose anchor has not committed yet"));
        var parts = await PartsOf(batch, cancel);
        var path = MerkleTree.Prove(parts.Leaves, checked((int)(order - batch.FirstOrder)));
        var device = await node.StateAsync(DevicesKeys.Device(deviceId), batch.Height, cancel);
        if (device.Value is null) throw new InvalidDataException($"device '{deviceId}' has no record at height {batch.Height}");
        var deviceRecord = Convert.FromHexString(device.Value);
        var rotated = await RotatedKeyOf(reading, DeviceRecord.Decode(deviceRecord), batch.Height, cancel);
        var proof = new ReadingProof(reading, path, parts.AnchorTx, parts.TxPath, parts.Header, parts.Commit, parts.AnchorRecord, parts.AnchorProof,
            deviceRecord, StateProof.Decode(Convert.FromHexString(device.Proof)), rotated);
        return (proof, batch, null);
    }

    /// <summary>
    /// The history entry of the key that signed the reading, when the device's key at the anchor's
    /// height does not (it was rotated between acceptance and anchoring); null otherwise, and the
    /// proof then says why it fails.
    /// </summary>
    private async Task<RotatedKeyProof?> RotatedKeyOf(byte[] readingBytes, DeviceRecord device, ulong height, CancellationToken cancel)
    {
        if (!Reading.TryDecode(readingBytes, out var reading, out _)) return null;
        var proofs = new Dictionary<uint, (byte[] Record, StateProof Proof)>();
        var found = await ReadingProofBuilder.RotatedKeyIndex(reading!, device, async index =>
        {
            var entry = await node.StateAsync(DevicesKeys.DeviceKey(device.Id, index), height, cancel);
            if (entry.Value is null) return null;
            var bytes = Convert.FromHexString(entry.Value);
            proofs[index] = (bytes, StateProof.Decode(Convert.FromHexString(entry.Proof)));
            return DeviceKeyRecord.Decode(bytes);
        });
        if (found is not { } key) return null;
        var (record, proof) = proofs[key.Index];
        return new RotatedKeyProof(key.Index, record, proof);
    }

    private Task<BatchParts> PartsOf(BatchRecord batch, CancellationToken cancel)
    {
        var task = _batches.GetOrAdd(batch.Number, _ => FetchParts(batch, CancellationToken.None));
        // A failed fetch is not kept: the next reader of the batch tries again.
        if (task.IsFaulted || task.IsCanceled) _batches.Remove(batch.Number, task);
        else _ = task.ContinueWith(t => _batches.Remove(batch.Number, t), CancellationToken.None, TaskContinuationOptions.NotOnRanToCompletion, TaskScheduler.Default);
        return task.WaitAsync(cancel);
    }

    private async Task<BatchParts> FetchParts(BatchRecord batch, CancellationToken cancel)
    {
        ulong height = batch.Height;
        var blockBytes = await node.BlockBytesAsync(height, cancel) ?? throw new InvalidDataException($"the node has no block {height}");
        var block = Block.Decode(blockBytes);
        var anchorTx = block.Transactions.FirstOrDefault(tx => tx.Hash == batch.AnchoredTxHash)
            ?? throw new InvalidDataException($"block {height} does not hold the anchor {batch.AnchoredTxHash} of batch {batch.Number}");
        var commit = await node.CommitBytesAsync(height, cancel) ?? throw new InvalidDataException($"the node has no commit for block {height}");
        var anchor = await node.StateAsync(DevicesKeys.Anchor(gatewayId, batch.Number), height, cancel);
        if (anchor.Value is null) throw new InvalidDataException($"no anchor record of batch {batch.Number} at height {height}");
        return new BatchParts(store.Leaves(batch.Number), anchorTx.Encoded, ReadingProofBuilder.TransactionPath(anchorTx, block), block.Header, commit,
            Convert.FromHexString(anchor.Value), StateProof.Decode(Convert.FromHexString(anchor.Proof)));
    }
}
