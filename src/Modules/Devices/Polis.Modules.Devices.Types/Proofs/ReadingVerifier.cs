using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;
using Polis.Core.Merkle;
using Polis.Client.Light;
using Polis.Client.Proofs;

namespace Polis.Modules.Devices;

/// <summary>The Devices module's proof: a reading, checked offline by a <see cref="LightClient"/> against its trusted validators.</summary>
public static class ReadingVerifier
{
    /// <summary>
    /// Verifies an encoded reading proof. A document that does not decode is a failed verification
    /// (<see cref="ReadingCheck.Document"/>), not an exception.
    /// </summary>
    public static ReadingVerification VerifyReading(this LightClient client, ReadOnlySpan<byte> proof)
    {
        ReadingProof decoded;
        try
        {
            decoded = ReadingProof.Decode(proof);
        }
        catch (CodecException e)
        {
            return Fail(ReadingCheck.Document, $"not a valid reading proof: {e.Message}");
        }
        return client.VerifyReading(decoded);
    }

    /// <summary>
    /// Verifies a reading proof and returns the facts it proves, or the first check that failed.
    /// <para>
    /// The rule: a reading is proven when a block finalized by the trusted validators includes a
    /// devices anchor transaction whose anchor record is in that block's state (so the anchor
    /// succeeded: failed transactions are included in blocks too, but write nothing), the reading
    /// is a leaf of the anchored batch (of exactly the anchored size) and lies in its time range and
    /// within <see cref="DevicesLimits.ReadingBehindBlockMaxMs"/> before to
    /// <see cref="DevicesLimits.ReadingAheadOfBlockMaxMs"/> after the anchoring block's time,
    /// and the device's record in that same state (at the anchor's height) is not revoked, names the
    /// anchoring gateway as the one its readings go through (or as the one before, for a reading
    /// taken before the reassignment and anchored within <see cref="DevicesLimits.HandoverGraceMs"/>
    /// of it), and its current key verifies the reading's signature, or else the proof's entry of
    /// the device's key history in that state does: a key rotated out at a block whose time is after
    /// the reading's and at most <see cref="DevicesLimits.HandoverGraceMs"/> before the anchoring
    /// block's time.
    /// </para>
    /// <para>
    /// So a reading a gateway accepted under the old key, or before the device moved to another
    /// gateway, stays provable when it is anchored within the hour after the change. A revocation
    /// has no such grace: from the height of its own block (whatever the order of transactions inside
    /// it) nothing the device signed is proven, as a revoked key is presumed stolen.
    /// </para>
    /// </summary>
    public static ReadingVerification VerifyReading(this LightClient client, ReadingProof proof)
    {
        var header = proof.Header;
        string reason = client.CheckHeaderIdentity(header);
        if (reason.Length > 0) return Fail(ReadingCheck.Header, reason);
        reason = client.CheckCommit(header, proof.Commit);
        if (reason.Length > 0) return Fail(ReadingCheck.Commit, reason);
        return CheckAnchorTransaction(client, proof, out var tx, out var anchor)
            ?? CheckAnchorRecord(proof, tx, anchor)
            ?? CheckBatchPath(proof, anchor)
            ?? CheckReading(client, proof, anchor, out var reading)
            ?? CheckDevice(proof, reading, anchor, out var device)
            ?? CheckSignature(client, proof, reading, device, out var key, out uint keyIndex)
            ?? ReadingVerification.Success(new VerifiedReading(reading.DeviceId, reading.Sequence, reading.TimeMs, reading.Metric, reading.Unit,
                reading.Values, reading.PayloadHash, header.Height, header.TimeMs, header.Id, anchor.GatewayId, anchor.Batch, anchor.Count,
                proof.BatchPath.Index, key, keyIndex, device.Owner));
    }

    private static ReadingVerification? CheckAnchorTransaction(LightClient client, ReadingProof proof, out Transaction tx, out DevicesBody.AnchorBatch anchor)
    {
        tx = null!;
        anchor = null!;
        if (!Transaction.TryDecode(proof.AnchorTx, out var decoded, out string error))
            return Fail(ReadingCheck.AnchorTransaction, $"anchor transaction does not decode: {error}");
        tx = decoded!;
        var leaf = MerkleTree.LeafHash(proof.AnchorTx);
        var root = proof.Header.TransactionsRoot;
        if (!proof.TxPath.VerifyLeafHash(root, leaf))
            return Fail(ReadingCheck.AnchorTransaction, $"anchor transaction {tx.Hash.Short} is not in block {proof.Header.Height}: its path does not lead to the transactions root");
        if (!TransactionPaths.IsShortest(proof.TxPath, leaf, root))
            return Fail(ReadingCheck.AnchorTransaction, $"transaction path's leaf count {proof.TxPath.LeafCount} is not the canonical (smallest) one for its shape");
        if (tx.ChainId != client.ChainId) return Fail(ReadingCheck.AnchorTransaction, $"anchor transaction is for chain '{tx.ChainId}'");
        if (tx.Module != DevicesKeys.Module) return Fail(ReadingCheck.AnchorTransaction, $"transaction {tx.Hash.Short} is for module {tx.Module}, not devices");
        DevicesBody body;
        try
        {
            body = DevicesBody.Decode(tx.Body);
        }
        catch (CodecException e)
        {
            return Fail(ReadingCheck.AnchorTransaction, $"transaction {tx.Hash.Short} has a malformed devices body: {e.Message}");
        }
        if (body is not DevicesBody.AnchorBatch a)
            return Fail(ReadingCheck.AnchorTransaction, $"transaction {tx.Hash.Short} is a devices {body.Operation}, not an anchor");
        anchor = a;
        return null;
    }

    private static ReadingVerification? CheckAnchorRecord(ReadingProof proof, Transaction tx, DevicesBody.AnchorBatch anchor)
    {
        var header = proof.Header;
        string batch = $"batch {anchor.Batch} of gateway '{anchor.GatewayId}'";
        if (!proof.AnchorRecordProof.Verify(header.StateRoot, DevicesKeys.Anchor(anchor.GatewayId, anchor.Batch), proof.AnchorRecord))
            return Fail(ReadingCheck.AnchorRecord, $"the state of block {header.Height} does not hold this record of {batch} (did the anchor fail on chain?)");
        AnchorRecord record;
        try
        {
            record = AnchorRecord.Decode(proof.AnchorRecord);
        }
        catch (CodecException e)
        {
            return Fail(ReadingCheck.AnchorRecord, $"record of {batch} does not decode: {e.Message}");
        }
        // Height and transaction hash tie the record to this block's transaction: a record of the
        // same batch written earlier would otherwise vouch for a later, failed anchor of it.
        if (record.Height != header.Height)
            return Fail(ReadingCheck.AnchorRecord, $"{batch} was anchored at height {record.Height}, not by block {header.Height}");
        if (record.TxHash != tx.Hash)
            return Fail(ReadingCheck.AnchorRecord, $"{batch} was anchored by transaction {record.TxHash.Short}, not {tx.Hash.Short}");
        if (record.Root != anchor.Root || record.Count != anchor.Count || record.FirstTimeMs != anchor.FirstTimeMs || record.LastTimeMs != anchor.LastTimeMs)
            return Fail(ReadingCheck.AnchorRecord, $"the record of {batch} differs from the anchor transaction's batch");
        return null;
    }

    private static ReadingVerification? CheckBatchPath(ReadingProof proof, DevicesBody.AnchorBatch anchor)
    {
        // The anchored count fixes the path's shape: a root alone does not commit to a leaf count.
        // With the count fixed, the index is bound by the path too, except where a batch holds the
        // same reading twice side by side (equal sibling subtrees): then both positions are true.
        if (proof.BatchPath.LeafCount != anchor.Count)
            return Fail(ReadingCheck.BatchPath, $"batch path is for {proof.BatchPath.LeafCount} readings, the anchored batch holds {anchor.Count}");
        if (!proof.BatchPath.Verify(anchor.Root, proof.Reading))
            return Fail(ReadingCheck.BatchPath, $"the reading is not leaf {proof.BatchPath.Index} of the anchored batch {anchor.Root.Short}");
        return null;
    }

    private static ReadingVerification? CheckReading(LightClient client, ReadingProof proof, DevicesBody.AnchorBatch anchor, out Reading reading)
    {
        reading = null!;
        if (!Reading.TryDecode(proof.Reading, out var decoded, out string error)) return Fail(ReadingCheck.Reading, $"reading does not decode: {error}");
        reading = decoded!;
        if (reading.ChainId != client.ChainId) return Fail(ReadingCheck.Reading, $"reading is for chain '{reading.ChainId}'");
        if (reading.TimeMs < anchor.FirstTimeMs || reading.TimeMs > anchor.LastTimeMs)
            return Fail(ReadingCheck.Reading, $"reading time {reading.TimeMs} lies outside the anchored range {anchor.FirstTimeMs}..{anchor.LastTimeMs}");
        // Bound by the block's time, which the validators agreed on: the gateway's declared range alone is its word.
        long blockTime = proof.Header.TimeMs;
        // Compared without subtracting the reading's time, which any long can be (no overflow).
        if (reading.TimeMs > blockTime && reading.TimeMs > blockTime + DevicesLimits.ReadingAheadOfBlockMaxMs)
            return Fail(ReadingCheck.Reading, $"reading time {reading.TimeMs} is more than {DevicesLimits.ReadingAheadOfBlockMaxMs / 60_000} minutes after the anchoring block's time {blockTime}");
        if (reading.TimeMs < blockTime - DevicesLimits.ReadingBehindBlockMaxMs)
            return Fail(ReadingCheck.Reading, $"reading time {reading.TimeMs} is more than a year before the anchoring block's time {blockTime}");
        return null;
    }

    private static ReadingVerification? CheckDevice(ReadingProof proof, Reading reading, DevicesBody.AnchorBatch anchor, out DeviceRecord device)
    {
        device = null!;
        var header = proof.Header;
        if (!proof.DeviceRecordProof.Verify(header.StateRoot, DevicesKeys.Device(reading.DeviceId), proof.DeviceRecord))
            return Fail(ReadingCheck.DeviceRecord, $"the state of block {header.Height} does not hold this record of device '{reading.DeviceId}'");
        try
        {
            device = DeviceRecord.Decode(proof.DeviceRecord);
        }
        catch (CodecException e)
        {
            return Fail(ReadingCheck.DeviceRecord, $"record of device '{reading.DeviceId}' does not decode: {e.Message}");
        }
        if (device.Id != reading.DeviceId) return Fail(ReadingCheck.DeviceRecord, $"the record is of device '{device.Id}', the reading of '{reading.DeviceId}'");
        // One gateway per reading: readings taken since the assignment are the current gateway's to
        // prove, earlier ones the previous gateway's, so one reading cannot be proven through two.
        if (device.Gateway == anchor.GatewayId)
        {
            if (reading.TimeMs < device.GatewaySinceMs)
                return Fail(ReadingCheck.DeviceRecord, $"the reading was taken at {reading.TimeMs}, before device '{device.Id}' was assigned to '{device.Gateway}' (at {device.GatewaySinceMs}): its previous gateway's to prove");
        }
        else if (device.PreviousGateway.Length > 0 && device.PreviousGateway == anchor.GatewayId)
        {
            if (reading.TimeMs >= device.GatewaySinceMs)
                return Fail(ReadingCheck.DeviceRecord, $"the reading was taken at {reading.TimeMs}, after device '{device.Id}' moved from '{anchor.GatewayId}' to '{device.Gateway}' (at {device.GatewaySinceMs})");
            if (header.TimeMs - device.GatewaySinceMs > DevicesLimits.HandoverGraceMs)
                return Fail(ReadingCheck.DeviceRecord, $"'{anchor.GatewayId}' anchored this reading at {header.TimeMs}, more than {DevicesLimits.HandoverGraceMs / 60_000} minutes after device '{device.Id}' moved to '{device.Gateway}' (at {device.GatewaySinceMs})");
        }
        else
            return Fail(ReadingCheck.DeviceRecord, device.Gateway.Length == 0
                ? $"device '{device.Id}' goes through no gateway at height {header.Height}: no anchor proves its readings"
                : $"device '{device.Id}' goes through gateway '{device.Gateway}' at height {header.Height}, not '{anchor.GatewayId}'");
        // RevokedAt is the height of the revoking block; from it on nothing the device signed is proven.
        if (device.RevokedAt != 0 && device.RevokedAt <= header.Height)
            return Fail(ReadingCheck.DeviceRecord, $"device '{device.Id}' was revoked at height {device.RevokedAt}, at or before the anchor at {header.Height}");
        return null;
    }

    private static ReadingVerification? CheckSignature(LightClient client, ReadingProof proof, Reading reading, DeviceRecord device, out PublicKey key, out uint keyIndex)
    {
        (key, keyIndex) = (device.Key, device.KeyIndex);
        var header = proof.Header;
        if (proof.KeyRecord is not { } rotated)
        {
            if (reading.VerifySignature(device.Key, client.Verifier)) return null;
            return Fail(ReadingCheck.Signature,
                $"the reading is not signed by the key device '{device.Id}' had at height {header.Height} (key {device.KeyIndex}, since height {device.KeySince})");
        }
        // Only a key rotated out before the anchor: the current one needs no history entry.
        if (rotated.Index >= device.KeyIndex)
            return Fail(ReadingCheck.Signature, $"the proof's key {rotated.Index} of device '{device.Id}' is not one rotated out before height {header.Height} (its key there is {device.KeyIndex})");
        if (!rotated.Proof.Verify(header.StateRoot, DevicesKeys.DeviceKey(device.Id, rotated.Index), rotated.Record))
            return Fail(ReadingCheck.Signature, $"the state of block {header.Height} does not hold this record of key {rotated.Index} of device '{device.Id}'");
        DeviceKeyRecord record;
        try
        {
            record = DeviceKeyRecord.Decode(rotated.Record);
        }
        catch (CodecException e)
        {
            return Fail(ReadingCheck.Signature, $"record of key {rotated.Index} of device '{device.Id}' does not decode: {e.Message}");
        }
        if (reading.TimeMs >= record.UntilMs)
            return Fail(ReadingCheck.Signature, $"the reading was taken at {reading.TimeMs}, after key {rotated.Index} of device '{device.Id}' was rotated out (at {record.UntilMs})");
        if (header.TimeMs - record.UntilMs > DevicesLimits.HandoverGraceMs)
            return Fail(ReadingCheck.Signature, $"the reading under key {rotated.Index} of device '{device.Id}' was anchored at {header.TimeMs}, more than {DevicesLimits.HandoverGraceMs / 60_000} minutes after that key was rotated out (at {record.UntilMs})");
        if (!reading.VerifySignature(record.Key, client.Verifier))
            return Fail(ReadingCheck.Signature, $"the reading is not signed by key {rotated.Index} of device '{device.Id}' either");
        (key, keyIndex) = (record.Key, rotated.Index);
        return null;
    }

    private static ReadingVerification Fail(ReadingCheck check, string reason) => ReadingVerification.Failure(check, reason);
}
