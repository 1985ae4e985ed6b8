namespace Polis.Modules.Indexing;

/// <summary>Writes to one module's node-side index, staged into the batch that commits the block.</summary>
public interface IIndexWriter
{
    void Put(ReadOnlySpan<byte> key, byte[] value);
}
