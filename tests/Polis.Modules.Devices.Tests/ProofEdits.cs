using Polis.Modules.Devices;
using Polis.Core.Ledger;
using Polis.Core.Merkle;
using Polis.State;
using Polis.Core.Proofs;

namespace Polis.Modules.Devices.Tests;

/// <summary>A copy of a proof with some parts replaced, for tampering tests.</summary>
internal static class ProofEdits
{
    public static ReadingProof With(this ReadingProof p, byte[]? reading = null, MerkleProof? batchPath = null, byte[]? anchorTx = null,
        MerkleProof? txPath = null, BlockHeader? header = null, byte[]? commit = null, byte[]? anchorRecord = null, StateProof? anchorRecordProof = null,
        byte[]? deviceRecord = null, StateProof? deviceRecordProof = null) =>
        new(reading ?? p.Reading, batchPath ?? p.BatchPath, anchorTx ?? p.AnchorTx, txPath ?? p.TxPath, header ?? p.Header, commit ?? p.Commit,
            anchorRecord ?? p.AnchorRecord, anchorRecordProof ?? p.AnchorRecordProof, deviceRecord ?? p.DeviceRecord, deviceRecordProof ?? p.DeviceRecordProof);
}
