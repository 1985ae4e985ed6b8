namespace Polis.Consensus.Wal;

/// <summary>
/// The directory the consensus journal lives in: the real file system in a node
/// (<see cref="FileWalDirectory"/>), a simulated disk that loses, tears and corrupts writes in the
/// simulator. Creating, renaming and deleting a file is durable only after <see cref="Sync"/>.
/// </summary>
public interface IWalDirectory
{
    bool Exists(string name);
    /// <summary>Opens an existing file for reading and writing.</summary>
    IWalFile Open(string name);
    /// <summary>Creates an empty file, replacing any of that name.</summary>
    IWalFile Create(string name);
    /// <summary>Renames <paramref name="from"/> over <paramref name="to"/> in one step (the old file or the new, never neither).</summary>
    void Rename(string from, string to);
    void Delete(string name);
    /// <summary>Makes the directory's entries (creates, renames, deletes) durable.</summary>
    void Sync();
    /// <summary>Where the files are, for messages to an operator.</summary>
    string Describe(string name);
    /// <summary>
    /// Takes the directory for one owner until disposed (a second node on the same home, or a repair
    /// while the node runs, gets an <see cref="IOException"/>); a process that dies lets it go.
    /// </summary>
    IDisposable Lock();
}

/// <summary>One file of an <see cref="IWalDirectory"/>. Writes are durable only after <see cref="Sync"/>.</summary>
public interface IWalFile : IDisposable
{
    long Length { get; }
    /// <summary>Reads up to <c>into.Length</c> bytes at <paramref name="offset"/>; returns how many.</summary>
    int Read(long offset, Span<byte> into);
    void Write(long offset, ReadOnlySpan<byte> data);
    void SetLength(long length);
    /// <summary>fsync: everything written before is on the disk when this returns.</summary>
    void Sync();
}
