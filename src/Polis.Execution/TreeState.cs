using Polis.Core.Crypto;
using Polis.State;
using Polis.State.Storage;

namespace Polis.Execution;

/// <summary>Execution's view of the authenticated state tree (<see cref="StateTree"/>) over either backend.</summary>
public sealed class TreeState(StateTree tree) : IVersionedState
{
    public static TreeState InMemory() => new(new StateTree(new MemoryStateStorage()));

    public StateTree Tree => tree;
    public ulong? LatestVersion => tree.LatestVersion;
    public Hash32 RootAt(ulong version) => tree.RootAt(version);
    public IWorkingState Begin(ulong? baseVersion) => new Working(tree.Begin(baseVersion));
    public IStateView At(ulong version) => new ReadOnlyView(tree, version);

    private sealed class Working(WorkingState state) : IWorkingState
    {
        public byte[]? Get(ReadOnlySpan<byte> key) => state.Get(key);
        public void Put(byte[] key, byte[] value) => state.Put(key, value);
        public void Delete(byte[] key) => state.Delete(key);
        public Hash32 ComputeRoot() => state.ComputeRoot();
        public void Commit() => state.Commit();
    }

    private sealed class ReadOnlyView(StateTree tree, ulong version) : IStateView
    {
        public byte[]? Get(ReadOnlySpan<byte> key) => tree.Get(key, version);
        public void Put(byte[] key, byte[] value) => throw new InvalidOperationException("a committed version is read-only");
        public void Delete(byte[] key) => throw new InvalidOperationException("a committed version is read-only");
    }
}
