using Polis.Core.Ledger;

namespace Polis.Consensus.Wal;

/// <summary>
/// The consensus write-ahead log: a header, then two kinds of record:
/// <list type="bullet">
/// <item>what this validator is about to sign (<see cref="SignRecord"/>, with the blocks it needs
/// to resume: its lock, its valid value, the block it proposes), appended and fsynced before the
/// signature leaves the process;</item>
/// <item>the votes of the working heights it counted, appended without a sync of their own: the
/// next sign record's fsync carries them, so every vote that led to a signature (such as the
/// polka behind a lock) is on disk before that signature is sent, and after a restart they are
/// replayed so a lock can be justified to the others even when every validator restarted.</item>
/// </list>
/// Reading and recovery are <see cref="WalScan"/> and <see cref="ConsensusJournal"/>. Threading:
/// one owner (the node's loop).
/// </summary>
internal sealed class ConsensusWal : IDisposable
{
    public const string FileName = "consensus.wal";
    private const string CompactingName = "consensus.wal.compacting";
    /// <summary>Votes are written to the file (not synced) once this many bytes are pending, or with the next sign record.</summary>
    private const int PendingBytesMax = 64 * 1024;

    private readonly IWalDirectory _dir;
    private IWalFile _file;
    private long _length;
    private readonly MemoryStream _pending = new();
    /// <summary>Votes appended or replayed since the last compaction: those of heights still needed are carried over.</summary>
    private readonly List<Vote> _kept;

    private ConsensusWal(IWalDirectory dir, IWalFile file, WalHeader header, long length, List<Vote> kept)
    {
        (_dir, _file, Header, _length, _kept) = (dir, file, header, length, kept);
    }

    public WalHeader Header { get; private set; }
    /// <summary>Bytes written (pending votes included).</summary>
    public long Length => _length + _pending.Length;
    public SignRecord? Last { get; private set; }

    /// <summary>A new, empty log of <paramref name="generation"/>, durable (file and directory entry) when this returns.</summary>
    public static ConsensusWal Create(IWalDirectory dir, string chainId, ulong generation)
    {
        var file = dir.Create(FileName);
        var frame = HeaderFrame(chainId, generation, extraBytes: 0);
        file.Write(0, frame);
        file.Sync();
        dir.Sync();
        return new ConsensusWal(dir, file, WalHeader.Decode(frame.AsSpan(WalFrame.HeaderBytes + 1)), frame.Length, new List<Vote>());
    }

    /// <summary>
    /// Continues a scanned log after <paramref name="validEnd"/>: a torn tail past it is cut, and the
    /// file is synced either way, since what a crashed process wrote may still be only in the page
    /// cache (the guard is then told all of it is durable).
    /// </summary>
    public static ConsensusWal Resume(IWalDirectory dir, IWalFile file, WalScan scan, long validEnd)
    {
        if (file.Length > validEnd) file.SetLength(validEnd);
        file.Sync();
        return new ConsensusWal(dir, file, scan.Header!, validEnd, new List<Vote>(scan.Votes)) { Last = scan.Last };
    }

    /// <summary>Appends and fsyncs a sign record (with every vote appended before it); returns the log's length, all of it durable.</summary>
    public long Append(SignRecord record)
    {
        var body = record.ToBytes();
        WriteFrame(WalFrame.SignKind, body);
        FlushPending();
        _file.Sync();
        Last = record;
        return _length;
    }

    /// <summary>Appends a counted vote; it reaches the disk with the next sign record.</summary>
    public void AppendVote(Vote vote)
    {
        WriteFrame(WalFrame.VoteKind, vote.ToBytes());
        // Votes are of one size, so this count bounds the bytes too (about 13 MB encoded), however many
        // rounds a height takes or however many votes peers send before the next compaction.
        if (_kept.Count >= WalScan.ReplayVotesMax) _kept.RemoveRange(0, WalScan.ReplayVotesMax / 2);
        _kept.Add(vote);
        if (_pending.Length >= PendingBytesMax) FlushPending();
    }

    private void WriteFrame(byte kind, byte[] body)
    {
        int size = WalFrame.Size(body.Length);
        long start = _pending.Length;
        _pending.SetLength(start + size);
        WalFrame.WriteTo(_pending.GetBuffer().AsSpan((int)start, size), kind, body);
        _pending.Position = _pending.Length;
    }

    private void FlushPending()
    {
        if (_pending.Length == 0) return;
        _file.Write(_length, _pending.GetBuffer().AsSpan(0, (int)_pending.Length));
        _length += _pending.Length;
        _pending.SetLength(0);
    }

    /// <summary>
    /// Rewrites the log as a new generation with the last sign record and the votes of heights from
    /// <paramref name="keepFromHeight"/> on: written whole and synced under another name, renamed
    /// over the old one, the rename synced. At every instant the old log or the new one is the
    /// file, each complete. The caller then tells the guard the new generation.
    /// </summary>
    public void Compact(ulong keepFromHeight)
    {
        FlushPending();
        _kept.RemoveAll(v => v.Height < keepFromHeight);
        var frames = new List<byte[]>(_kept.Count + 1);
        foreach (var vote in _kept) frames.Add(WalFrame.Encode(WalFrame.VoteKind, vote.ToBytes()));
        if (Last is not null) frames.Add(WalFrame.Encode(WalFrame.SignKind, Last.ToBytes()));
        long bodyBytes = 0;
        foreach (var f in frames) bodyBytes += f.Length;
        var header = HeaderFrame(Header.ChainId, Header.Generation + 1, bodyBytes);

        var fresh = _dir.Create(CompactingName);
        try
        {
            long at = 0;
            fresh.Write(at, header);
            at += header.Length;
            foreach (var f in frames) { fresh.Write(at, f); at += f.Length; }
            fresh.Sync();
        }
        finally
        {
            fresh.Dispose();
        }
        _file.Dispose();
        _dir.Rename(CompactingName, FileName);
        _dir.Sync();
        _file = _dir.Open(FileName);
        _length = header.Length + bodyBytes;
        Header = WalHeader.Decode(header.AsSpan(WalFrame.HeaderBytes + 1));
    }

    /// <summary>Removes a compaction's or a repair's file left by a crash before its rename (the old file is whole).</summary>
    public static void RemoveLeftovers(IWalDirectory dir)
    {
        bool removed = false;
        foreach (var name in new[] { CompactingName, SignGuard.ReplacementName })
        {
            if (!dir.Exists(name)) continue;
            dir.Delete(name);
            removed = true;
        }
        if (removed) dir.Sync();
    }

    /// <summary>The header frame of a file whose records after the header take <paramref name="extraBytes"/>.</summary>
    private static byte[] HeaderFrame(string chainId, ulong generation, long extraBytes)
    {
        // The header's own size does not depend on the value it carries (fixed-width fields).
        int headerBytes = WalFrame.Size(new WalHeader(chainId, generation, 0).ToBytes().Length);
        return WalFrame.Encode(WalFrame.HeaderKind, new WalHeader(chainId, generation, headerBytes + extraBytes).ToBytes());
    }

    public void Dispose()
    {
        try
        {
            FlushPending();
            _file.Sync();
        }
        finally
        {
            _file.Dispose();
        }
    }
}
