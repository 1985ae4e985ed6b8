using System.Buffers.Binary;
using Polis.Consensus;
using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;

namespace Polis.Node.Wal;

/// <summary>
/// The consensus write-ahead log. Two kinds of record:
/// <list type="bullet">
/// <item>what this validator is about to sign (<see cref="SignRecord"/>), appended and fsynced
/// before the vote or proposal leaves the process: the double-sign guard after a restart;</item>
/// <item>the votes of the working heights it has counted (received and its own), appended without
/// a sync of their own: the next sign record's fsync carries them, so every vote that led to a
/// signature (such as the polka behind a lock) is on disk before that signature is sent. After a
/// restart they are replayed and re-gossiped, so a lock can always be justified to the others even
/// when every validator restarted at once.</item>
/// </list>
/// Record: u32 length | SHA-256(payload) | kind | body. A torn or corrupt tail (a crash mid-append)
/// is cut off on open: it was never synced, so nothing based on it was sent.
/// </summary>
public sealed class ConsensusWal : IDisposable
{
    private const int HeaderBytes = 4 + Hash32.Size;
    private const int RecordBytesMax = 2 * Limits.BlockBytesMax + 4096;
    private const byte SignKind = 1;
    private const byte VoteKind = 2;
    /// <summary>Votes kept from the log for replay; older ones beyond this are dropped first.</summary>
    private const int ReplayVotesMax = 100_000;
    /// <summary>Past this size the log is rewritten at the next height with only what is still needed.</summary>
    private const long CompactAtBytes = 4 * 1024 * 1024;

    private readonly string _path;
    private FileStream _file;
    /// <summary>Votes appended since the last compaction: those of heights not yet committed are carried over.</summary>
    private readonly List<Vote> _appended = new();

    public ConsensusWal(string path)
    {
        _path = path;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 64 * 1024);
        long validLength = ReadAll();
        if (validLength < _file.Length)
        {
            TruncatedBytes = _file.Length - validLength;
            _file.SetLength(validLength);
            _file.Flush(true);
        }
        _file.Seek(0, SeekOrigin.End);
    }

    /// <summary>The last sign record written before the previous shutdown or crash, if any.</summary>
    public SignRecord? Last { get; private set; }
    /// <summary>Votes found in the log at open, oldest first (the node replays those of its working height).</summary>
    public List<Vote> Votes { get; } = new();
    /// <summary>Bytes of a torn tail cut off at open (0 after a clean shutdown).</summary>
    public long TruncatedBytes { get; }

    /// <summary>Appends and fsyncs a sign record (with every vote appended before it).</summary>
    public void Append(SignRecord record)
    {
        var body = record.ToBytes();
        Invariant.Check(body.Length + 1 <= RecordBytesMax, "sign record larger than the WAL's record bound");
        _file.Write(Frame(SignKind, body));
        _file.Flush(true);
        Last = record;
    }

    /// <summary>Appends a counted vote; it reaches the disk with the next sign record.</summary>
    public void AppendVote(Vote vote)
    {
        _file.Write(Frame(VoteKind, vote.ToBytes()));
        _appended.Add(vote);
    }

    /// <summary>
    /// At a new height: if the log is large, rewrites it with the last sign record and the votes of
    /// heights from <paramref name="keepFromHeight"/> on (votes for the next heights may arrive early,
    /// and a lock taken on them must stay justifiable).
    /// </summary>
    public void CompactIfLarge(ulong keepFromHeight)
    {
        if (_file.Length < CompactAtBytes) return;
        _appended.RemoveAll(v => v.Height < keepFromHeight);
        string temp = _path + ".tmp";
        using (var fresh = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            foreach (var vote in _appended) fresh.Write(Frame(VoteKind, vote.ToBytes()));
            if (Last is not null) fresh.Write(Frame(SignKind, Last.ToBytes()));
            fresh.Flush(true);
        }
        _file.Dispose();
        File.Move(temp, _path, overwrite: true); // atomic on POSIX: the old log or the new one, both hold the last record
        SyncDirectory();
        _file = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 64 * 1024);
        _file.Seek(0, SeekOrigin.End);
    }

    /// <summary>Makes the rename itself durable (a power cut must not bring the old log back). Best effort where unsupported.</summary>
    private void SyncDirectory()
    {
        if (OperatingSystem.IsWindows()) return;
        try
        {
            using var dir = File.OpenHandle(Path.GetDirectoryName(Path.GetFullPath(_path))!, FileMode.Open, FileAccess.Read);
            RandomAccess.FlushToDisk(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static byte[] Frame(byte kind, byte[] body)
    {
        var frame = new byte[HeaderBytes + 1 + body.Length];
        frame[HeaderBytes] = kind;
        body.CopyTo(frame, HeaderBytes + 1);
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)(1 + body.Length));
        Sha256.Hash(frame.AsSpan(HeaderBytes)).WriteTo(frame.AsSpan(4));
        return frame;
    }

    private long ReadAll()
    {
        long valid = 0;
        var header = new byte[HeaderBytes];
        _file.Seek(0, SeekOrigin.Begin);
        while (true)
        {
            if (_file.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false) < HeaderBytes) break;
            uint length = BinaryPrimitives.ReadUInt32BigEndian(header);
            if (length < 1 || length > RecordBytesMax || _file.Position + length > _file.Length) break;
            var payload = new byte[length];
            if (_file.ReadAtLeast(payload, (int)length, throwOnEndOfStream: false) < length) break;
            if (Sha256.Hash(payload) != new Hash32(header.AsSpan(4))) break;
            try
            {
                switch (payload[0])
                {
                    case SignKind: Last = SignRecord.Decode(payload.AsSpan(1)); break;
                    case VoteKind:
                        if (Votes.Count >= ReplayVotesMax) Votes.RemoveRange(0, ReplayVotesMax / 2);
                        Votes.Add(Vote.Decode(payload.AsSpan(1)));
                        break;
                    default: throw new CodecException($"unknown WAL record kind {payload[0]}");
                }
            }
            catch (CodecException)
            {
                break;
            }
            valid = _file.Position;
        }
        return valid;
    }

    public void Dispose()
    {
        _file.Flush(true);
        _file.Dispose();
    }
}
