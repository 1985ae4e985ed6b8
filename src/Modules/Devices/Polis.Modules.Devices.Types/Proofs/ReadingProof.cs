using Polis.Core;
using Polis.Core.Encoding;
using Polis.Core.Ledger;
using Polis.Core.Merkle;
using Polis.Core.Proofs;

namespace Polis.Modules.Devices;

/// <summary>
/// Everything needed to prove one reading offline, from the genesis validator set alone: the
/// signed reading; its path to the batch root; the anchor transaction and its path to the block
/// header's transactions root; the header and the commit that finalized it; the anchor record
/// (proving the anchor succeeded) and the device record (the key valid at that height), each with
/// a state proof under the header's state root; and, when the reading was signed by a key rotated
/// out before the anchor, that key's history entry with its state proof (<see cref="KeyRecord"/>).
/// One canonical binary encoding; every byte of it is
/// checked by the light client (none is merely informative). The transaction path carries the
/// smallest leaf count of its shape, not the block's transaction count, which no header commits to
/// (<see cref="Polis.Client.Proofs.TransactionPaths"/>); build proofs with <see cref="ReadingProofBuilder"/>.
/// </summary>
public sealed class ReadingProof(
    byte[] reading, MerkleProof batchPath, byte[] anchorTx, MerkleProof txPath, BlockHeader header, byte[] commit,
    byte[] anchorRecord, StateProof anchorRecordProof, byte[] deviceRecord, StateProof deviceRecordProof, RotatedKeyProof? rotatedKey = null)
{
    /// <summary>"PRP" and a format version, so a file of another kind fails with a clear message.</summary>
    public static ReadOnlySpan<byte> Magic => "PRP\u0002"u8;
    /// <summary>The first version, without the rotated key: still read.</summary>
    private static ReadOnlySpan<byte> MagicVersion1 => "PRP\u0001"u8;

    /// <summary>Upper bound of an encoded proof: a 1,000-validator commit is about 66 KB; everything else is small.</summary>
    public const int EncodedBytesMax = 512 * 1024;
    private const int RecordBytesMax = 4 * 1024;
    private const int StateProofBytesMax = 4 + StateProof.SiblingsMax * 32 + 1 + 64;
    private const int CommitBytesMax = 64 + Limits.ValidatorsMax * 66;
    private const int HeaderBytesMax = 1024;

    public byte[] Reading { get; } = reading;
    public MerkleProof BatchPath { get; } = batchPath;
    public byte[] AnchorTx { get; } = anchorTx;
    public MerkleProof TxPath { get; } = txPath;
    public BlockHeader Header { get; } = header;
    public byte[] Commit { get; } = commit;
    public byte[] AnchorRecord { get; } = anchorRecord;
    public StateProof AnchorRecordProof { get; } = anchorRecordProof;
    public byte[] DeviceRecord { get; } = deviceRecord;
    public StateProof DeviceRecordProof { get; } = deviceRecordProof;
    /// <summary>The history entry of the key that signed the reading, when it is not the device's key at the anchor's height.</summary>
    public RotatedKeyProof? KeyRecord { get; } = rotatedKey;

    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(4096 + Commit.Length);
        w.WriteRaw(Magic);
        w.WriteBytes(Reading);
        BatchPath.Encode(w);
        w.WriteBytes(AnchorTx);
        TxPath.Encode(w);
        w.WriteBytes(Header.ToBytes());
        w.WriteBytes(Commit);
        w.WriteBytes(AnchorRecord);
        w.WriteBytes(AnchorRecordProof.ToBytes());
        w.WriteBytes(DeviceRecord);
        w.WriteBytes(DeviceRecordProof.ToBytes());
        w.WriteU8(KeyRecord is null ? (byte)0 : (byte)1);
        if (KeyRecord is { } key)
        {
            w.WriteU32(key.Index);
            w.WriteBytes(key.Record);
            w.WriteBytes(key.Proof.ToBytes());
        }
        return w.ToArray();
    }

    /// <summary>Decodes the document's structure (bounds first); the contents are checked by the light client.</summary>
    public static ReadingProof Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > EncodedBytesMax) throw new CodecException($"proof exceeds {EncodedBytesMax} bytes");
        bool version1 = bytes.StartsWith(MagicVersion1);
        if (!version1 && !bytes.StartsWith(Magic)) throw new CodecException("not a Polis reading proof (bad magic or version)");
        var r = new CanonicalReader(bytes[Magic.Length..]);
        var reading = r.ReadBytes(Polis.Modules.Devices.Reading.EncodedBytesMax, "reading");
        var batchPath = MerkleProof.Decode(ref r);
        var anchorTx = r.ReadBytes(Limits.TxBytesMax, "anchor transaction");
        var txPath = MerkleProof.Decode(ref r);
        var header = BlockHeader.Decode(r.ReadBytesSpan(HeaderBytesMax, "header"));
        var commit = r.ReadBytes(CommitBytesMax, "commit");
        var anchorRecord = r.ReadBytes(RecordBytesMax, "anchor record");
        var anchorProof = StateProof.Decode(r.ReadBytesSpan(StateProofBytesMax, "anchor record proof"));
        var deviceRecord = r.ReadBytes(RecordBytesMax, "device record");
        var deviceProof = StateProof.Decode(r.ReadBytesSpan(StateProofBytesMax, "device record proof"));
        RotatedKeyProof? rotated = null;
        if (!version1)
        {
            byte hasKey = r.ReadU8("rotated key flag");
            if (hasKey > 1) throw new CodecException($"rotated key flag {hasKey} is neither 0 nor 1");
            if (hasKey == 1)
                rotated = new RotatedKeyProof(r.ReadU32("key index"), r.ReadBytes(RecordBytesMax, "key record"),
                    StateProof.Decode(r.ReadBytesSpan(StateProofBytesMax, "key record proof")));
        }
        r.End("reading proof");
        return new ReadingProof(reading, batchPath, anchorTx, txPath, header, commit, anchorRecord, anchorProof, deviceRecord, deviceProof, rotated);
    }
}

/// <summary>Entry <paramref name="Index"/> of a device's key history and its state proof at the anchor's height (in a <see cref="ReadingProof"/>).</summary>
public sealed record RotatedKeyProof(uint Index, byte[] Record, StateProof Proof);
