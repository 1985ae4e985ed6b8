using System.Buffers.Binary;
using Polis.Consensus;
using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Node.Wal;

/// <summary>
/// The consensus write-ahead log: every <see cref="SignRecord"/> is appended and fsynced before the
/// vote or proposal it describes leaves the process. Only the last record matters after a restart
/// (the engine's double-sign guard needs what was last signed, with the lock at that time).
/// Record: u32 length | SHA-256(payload) | payload. A torn or corrupt tail (a crash mid-append) is
/// cut off on open: it was never synced, so nothing based on it was sent.
/// </summary>
public sealed class ConsensusWal : IDisposable
{
    private const int HeaderBytes = 4 + Hash32.Size;
    private const int RecordBytesMax = 2 * Limits.BlockBytesMax + 4096;
    /// <summary>Past this size the log is rewritten to hold only its last record.</summary>
    private const long CompactAtBytes = 4 * 1024 * 1024;

    private readonly string _path;
    private FileStream _file;

    public ConsensusWal(string path)
    {
        _path = path;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        (Last, long validLength) = ReadAll(_file);
        if (validLength < _file.Length)
        {
            TruncatedBytes = _file.Length - validLength;
            _file.SetLength(validLength);
            _file.Flush(true);
        }
        _file.Seek(0, SeekOrigin.End);
    }

    /// <summary>The last record written before the previous shutdown or crash, if any.</summary>
    public SignRecord? Last { get; private set; }
    /// <summary>Bytes of a torn tail cut off at open (0 after a clean shutdown).</summary>
    public long TruncatedBytes { get; }

    public void Append(SignRecord record)
    {
        var payload = record.ToBytes();
        Invariant.Check(payload.Length <= RecordBytesMax, "sign record larger than the WAL's record bound");
        var frame = Frame(payload);
        _file.Write(frame);
        _file.Flush(true);
        Last = record;
    }

    /// <summary>Called at a new height: keeps the log small by rewriting it with the last record only.</summary>
    public void CompactIfLarge()
    {
        if (_file.Length < CompactAtBytes || Last is null) return;
        string temp = _path + ".tmp";
        using (var fresh = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            fresh.Write(Frame(Last.ToBytes()));
            fresh.Flush(true);
        }
        _file.Dispose();
        File.Move(temp, _path, overwrite: true); // atomic on POSIX: either log holds the last record
        _file = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        _file.Seek(0, SeekOrigin.End);
    }

    private static byte[] Frame(byte[] payload)
    {
        var frame = new byte[HeaderBytes + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)payload.Length);
        Sha256.Hash(payload).WriteTo(frame.AsSpan(4));
        payload.CopyTo(frame, HeaderBytes);
        return frame;
    }

    private static (SignRecord? Last, long ValidLength) ReadAll(FileStream file)
    {
        SignRecord? last = null;
        long valid = 0;
        var header = new byte[HeaderBytes];
        file.Seek(0, SeekOrigin.Begin);
        while (true)
        {
            if (file.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false) < HeaderBytes) break;
            uint length = BinaryPrimitives.ReadUInt32BigEndian(header);
            if (length > RecordBytesMax || file.Position + length > file.Length) break;
            var payload = new byte[length];
            if (file.ReadAtLeast(payload, (int)length, throwOnEndOfStream: false) < length) break;
            if (Sha256.Hash(payload) != new Hash32(header.AsSpan(4))) break;
            try
            {
                last = SignRecord.Decode(payload);
            }
            catch (CodecException)
            {
                break;
            }
            valid = file.Position;
        }
        return (last, valid);
    }

    public void Dispose() => _file.Dispose();
}
