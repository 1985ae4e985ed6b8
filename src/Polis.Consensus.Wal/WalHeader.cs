using Polis.Core.Encoding;

namespace Polis.Consensus.Wal;

/// <summary>
/// The first record of a WAL file: format version, chain, generation (each compaction writes a
/// new file with the next one) and how many bytes the file held when it was first synced (a
/// compacted file is written and synced whole before it replaces the old one).
/// </summary>
internal sealed record WalHeader(string ChainId, ulong Generation, long SyncedAtCreationBytes)
{
    public const byte Version = 1;
    private const int ChainIdBytesMax = 128;

    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(64);
        w.WriteU8(Version);
        w.WriteString(ChainId);
        w.WriteU64(Generation);
        w.WriteI64(SyncedAtCreationBytes);
        return w.ToArray();
    }

    public static WalHeader Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        byte version = r.ReadU8("WAL version");
        if (version != Version) throw new CodecException($"WAL format version {version}, this build reads {Version}");
        var header = new WalHeader(r.ReadString(ChainIdBytesMax, "chain id"), r.ReadU64("generation"), r.ReadI64("synced bytes"));
        r.End("WAL header");
        if (header.SyncedAtCreationBytes < 0) throw new CodecException("negative synced length");
        return header;
    }
}
