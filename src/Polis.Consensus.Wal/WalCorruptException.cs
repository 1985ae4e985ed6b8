namespace Polis.Consensus.Wal;

/// <summary>
/// The consensus journal cannot be trusted: a record that was on disk before the last signature
/// is damaged, or the double-sign guard is unreadable or belongs to another chain. The node does
/// not start: resuming from less than it signed could make it sign twice. The message says what
/// is wrong, where, and what an operator runs after checking the disk.
/// </summary>
public sealed class WalCorruptException(string message, string file, long offset) : Exception(message)
{
    public string File { get; } = file;
    /// <summary>Byte offset of the damage in <see cref="File"/> (-1 when the whole file is in question).</summary>
    public long Offset { get; } = offset;
}
