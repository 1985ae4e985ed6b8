using Microsoft.Win32.SafeHandles;

namespace Polis.Consensus.Wal;

/// <summary>The consensus journal's directory on the real file system.</summary>
public sealed class FileWalDirectory : IWalDirectory
{
    private readonly string _path;

    public FileWalDirectory(string path)
    {
        _path = Path.GetFullPath(path);
        Directory.CreateDirectory(_path);
    }

    public bool Exists(string name) => File.Exists(Full(name));
    public IWalFile Open(string name) => new RealFile(File.OpenHandle(Full(name), FileMode.Open, FileAccess.ReadWrite, FileShare.Read));
    public IWalFile Create(string name) => new RealFile(File.OpenHandle(Full(name), FileMode.Create, FileAccess.ReadWrite, FileShare.Read));
    public void Rename(string from, string to) => File.Move(Full(from), Full(to), overwrite: true); // rename(2): atomic on POSIX
    public void Delete(string name) => File.Delete(Full(name));
    public string Describe(string name) => Full(name);

    /// <summary>An exclusive open of a LOCK file: .NET takes flock(2) LOCK_EX for FileShare.None, which the kernel drops when the process dies.</summary>
    public IDisposable Lock()
    {
        try
        {
            return new FileStream(Full(LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"the consensus journal {_path} is in use by another process (a node running on this home?): {e.Message}", e);
        }
    }

    private const string LockName = "LOCK";

    /// <summary>fsync of the directory, so a create or rename survives a power cut (<see cref="Polis.Core.IO.DirectorySync"/>).</summary>
    public void Sync() => Polis.Core.IO.DirectorySync.Fsync(_path);

    private string Full(string name)
    {
        if (name.Length == 0 || name.Contains('/') || name.Contains('\\') || name.StartsWith('.')) throw new ArgumentException($"bad journal file name '{name}'", nameof(name));
        return System.IO.Path.Combine(_path, name);
    }

    private sealed class RealFile(SafeFileHandle handle) : IWalFile
    {
        public long Length => RandomAccess.GetLength(handle);
        public int Read(long offset, Span<byte> into)
        {
            int total = 0;
            while (total < into.Length)
            {
                int n = RandomAccess.Read(handle, into[total..], offset + total);
                if (n == 0) break;
                total += n;
            }
            return total;
        }
        public void Write(long offset, ReadOnlySpan<byte> data) => RandomAccess.Write(handle, data, offset);
        public void SetLength(long length) => RandomAccess.SetLength(handle, length);
        public void Sync() => RandomAccess.FlushToDisk(handle);
        public void Dispose() => handle.Dispose();
    }
}
