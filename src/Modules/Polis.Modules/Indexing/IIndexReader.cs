namespace Polis.Modules.Indexing;

/// <summary>Reads one module's node-side index in key order (bytewise). Safe from any thread.</summary>
public interface IIndexReader
{
    byte[]? Get(ReadOnlySpan<byte> key);

    /// <summary>Entries with keys at or after <paramref name="from"/>, in order, read lazily: stop enumerating to stop reading.</summary>
    IEnumerable<KeyValuePair<byte[], byte[]>> From(byte[] from);
}
