using Polis.Core.Ledger;
using Polis.Modules.Indexing;
using Polis.State.Storage;

namespace Polis.Node.Storage;

/// <summary>
/// Every module's node-side index in the node's RocksDB, under <c>X</c> + module id + the module's
/// own key, so modules cannot see or overwrite each other's entries. Writes are staged into the
/// height's batch (atomic with the block); reads are safe from any thread.
/// </summary>
public sealed class ModuleIndexes(RocksDbStateStorage storage)
{
    private const byte Prefix = (byte)'X';

    public IIndexWriter WriterFor(ModuleId module) => new Writer(storage, module);

    public IIndexReader ReaderFor(ModuleId module) => new Reader(storage, module);

    private static byte[] Key(ModuleId module, ReadOnlySpan<byte> key)
    {
        var full = new byte[2 + key.Length];
        full[0] = Prefix;
        full[1] = module.Value;
        key.CopyTo(full.AsSpan(2));
        return full;
    }

    private sealed class Writer(RocksDbStateStorage storage, ModuleId module) : IIndexWriter
    {
        public void Put(ReadOnlySpan<byte> key, byte[] value) => storage.StageWrite(Key(module, key), value);
    }

    private sealed class Reader(RocksDbStateStorage storage, ModuleId module) : IIndexReader
    {
        public byte[]? Get(ReadOnlySpan<byte> key) => storage.Database.Get(Key(module, key));

        public IEnumerable<KeyValuePair<byte[], byte[]>> From(byte[] from)
        {
            using var iterator = storage.Database.NewIterator();
            iterator.Seek(Key(module, from));
            while (iterator.Valid())
            {
                var key = iterator.Key();
                if (key.Length < 2 || key[0] != Prefix || key[1] != module.Value) yield break;
                yield return new KeyValuePair<byte[], byte[]>(key[2..], iterator.Value());
                iterator.Next();
            }
        }
    }
}
