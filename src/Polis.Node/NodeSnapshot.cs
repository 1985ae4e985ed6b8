using Polis.Core.Crypto;

namespace Polis.Node;

/// <summary>The node's state as the API shows it; replaced (never mutated) by the loop.</summary>
public sealed record NodeSnapshot(
    ulong Height,
    Hash32 LatestBlockId,
    long LatestBlockTimeMs,
    Hash32 StateRoot,
    ulong WorkingHeight,
    int Round,
    bool Syncing,
    ulong BestPeerHeight);
