using Polis.Core.Crypto;
using Polis.Core.Proofs;
using Polis.Execution;
using Polis.Modules.Indexing;

namespace Polis.Modules;

/// <summary>What a module's HTTP routes may ask of the node that hosts them. Every member is safe from any thread.</summary>
public interface IModuleHost
{
    string ChainId { get; }

    /// <summary>The latest committed height (0 before the first block).</summary>
    ulong CommittedHeight { get; }

    /// <summary>A read-only view of the state at a committed height.</summary>
    IStateView StateAt(ulong height);

    Hash32 StateRootAt(ulong height);

    /// <summary>A proof of <paramref name="key"/>'s value (or absence) under the state root of <paramref name="height"/>.</summary>
    StateProof Prove(ReadOnlySpan<byte> key, ulong height);

    /// <summary>The node-side index of <paramref name="module"/> (see <see cref="CityModule.Index"/>).</summary>
    IIndexReader IndexOf(CityModule module);
}
