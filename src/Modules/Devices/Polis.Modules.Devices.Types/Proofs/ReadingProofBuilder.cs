using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Core.Merkle;
using Polis.Core.Proofs;
using Polis.Client.Proofs;

namespace Polis.Modules.Devices;

/// <summary>
/// Assembles a <see cref="ReadingProof"/> from the parts a gateway or a node holds: the reading and
/// its batch's leaf hashes, the committed block that carries the anchor transaction and its commit,
/// and the anchor and device records with their state proofs at that block's height. Pure: it
/// fetches nothing and verifies only that the parts fit together (the light client checks the
/// rest), and it writes the transaction path in its canonical form (<see cref="TransactionPaths"/>).
/// </summary>
public static class ReadingProofBuilder
{
    /// <param name="reading">The reading's canonical bytes (<c>Reading.Encoded</c>).</param>
    /// <param name="batchLeafHashes">The leaf hashes of the whole batch, in the order the gateway anchored them.</param>
    /// <param name="index">The reading's position in the batch.</param>
    /// <param name="anchorTx">The transaction that anchored the batch.</param>
    /// <param name="block">The committed block that includes <paramref name="anchorTx"/>.</param>
    /// <param name="commit">The canonical bytes of the block's commit.</param>
    /// <param name="anchorRecord">The anchor record's bytes in state at the block's height.</param>
    /// <param name="anchorRecordProof">The state proof of <paramref name="anchorRecord"/> at the block's height.</param>
    /// <param name="deviceRecord">The device record's bytes in state at the block's height.</param>
    /// <param name="deviceRecordProof">The state proof of <paramref name="deviceRecord"/> at the block's height.</param>
    /// <param name="rotatedKey">The history entry of the key that signed the reading, when the device's key at the block's height does not (<see cref="RotatedKeyIndex"/>).</param>
    public static ReadingProof Build(byte[] reading, ReadOnlySpan<Hash32> batchLeafHashes, int index, Transaction anchorTx, Block block, byte[] commit,
        byte[] anchorRecord, StateProof anchorRecordProof, byte[] deviceRecord, StateProof deviceRecordProof, RotatedKeyProof? rotatedKey = null)
    {
        if ((uint)index >= (uint)batchLeafHashes.Length) throw new ArgumentOutOfRangeException(nameof(index), $"index {index} is outside a batch of {batchLeafHashes.Length}");
        if (batchLeafHashes[index] != MerkleTree.LeafHash(reading)) throw new ArgumentException($"leaf {index} of the batch is not this reading", nameof(reading));
        var batchPath = MerkleTree.Prove(batchLeafHashes, index);
        return new ReadingProof(reading, batchPath, anchorTx.Encoded, TransactionPath(anchorTx, block), block.Header, commit,
            anchorRecord, anchorRecordProof, deviceRecord, deviceRecordProof, rotatedKey);
    }

    /// <summary>Key-history entries a proof builder looks back through for the key that signed a reading.</summary>
    public const int KeysLookedBackMax = 16;

    /// <summary>
    /// Which of the device's rotated-out keys signed <paramref name="reading"/>: null when its key
    /// at the anchor's height (in <paramref name="device"/>) does, or when none of the last
    /// <see cref="KeysLookedBackMax"/> does. <paramref name="keyAt"/> reads entry i of the key
    /// history at the anchor's height.
    /// </summary>
    public static async Task<(uint Index, DeviceKeyRecord Record)?> RotatedKeyIndex(Reading reading, DeviceRecord device, Func<uint, Task<DeviceKeyRecord?>> keyAt)
    {
        if (reading.VerifySignature(device.Key)) return null;
        for (uint i = device.KeyIndex, looked = 0; i > 0 && looked < KeysLookedBackMax; looked++)
        {
            i--;
            if (await keyAt(i) is not { } record) continue;
            if (reading.TimeMs >= record.UntilMs) continue;
            if (reading.VerifySignature(record.Key)) return (i, record);
        }
        return null;
    }

    /// <summary>The canonical path of <paramref name="tx"/> to <paramref name="block"/>'s transactions root.</summary>
    public static MerkleProof TransactionPath(Transaction tx, Block block)
    {
        var leaves = new Hash32[block.Transactions.Count];
        int position = -1;
        for (int i = 0; i < leaves.Length; i++)
        {
            leaves[i] = MerkleTree.LeafHash(block.Transactions[i].Encoded);
            if (position < 0 && block.Transactions[i].Hash == tx.Hash) position = i;
        }
        if (position < 0) throw new ArgumentException($"transaction {tx.Hash.Short} is not in block {block.Height}", nameof(tx));
        return TransactionPaths.Shortest(MerkleTree.Prove(leaves, position), leaves[position], block.Header.TransactionsRoot);
    }
}
