using Polis.Core.Crypto;
using Polis.Core.Proofs;
using Polis.Execution;
using Polis.Modules;
using Polis.Modules.Indexing;

namespace Polis.Node.Api;

/// <summary>What modules' routes see of the node: committed state, proofs and their own index. Safe from any thread.</summary>
internal sealed class NodeModuleHost(PolisNode node) : IModuleHost
{
    public string ChainId => node.ChainId;
    public ulong CommittedHeight => node.CommittedHeight;
    public IStateView StateAt(ulong height) => node.StateAt(height);
    public Hash32 StateRootAt(ulong height) => node.StateTree.RootAt(height);
    public StateProof Prove(ReadOnlySpan<byte> key, ulong height) => node.StateTree.Prove(key, height);
    public IIndexReader IndexOf(CityModule module) => node.Indexes.ReaderFor(module.Id);
}
