namespace Polis.Execution;

/// <summary>
/// The state one block executes against: reads see the block's own earlier writes. Defined here,
/// by its user; Polis.State's working state implements it.
/// </summary>
public interface IStateView
{
    byte[]? Get(ReadOnlySpan<byte> key);
    void Put(byte[] key, byte[] value);
    void Delete(byte[] key);
}
