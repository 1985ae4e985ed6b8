using Polis.Core;
using Polis.Core.Crypto;
using Polis.State.Storage;
using Polis.State.Tree;

namespace Polis.State;

/// <summary>
/// The authenticated, versioned key-value state: a binary sparse Merkle tree over SHA-256 of the
/// keys, with path compression (a key alone in a subtree is a leaf at that subtree's root, as in
/// Diem/Aptos's Jellyfish Merkle Tree), so the depth is about log2 of the number of keys. Version
/// = block height, 0 = genesis. Reads at any kept version; proofs check against a root alone.
/// Old versions are kept (no pruning yet).
/// </summary>
public sealed class StateTree(IStateStorage storage)
{
    public IStateStorage Storage => storage;
    public ulong? LatestVersion => storage.LatestVersion;

    public Hash32 RootAt(ulong version) => storage.RootAt(version);

    public byte[]? Get(ReadOnlySpan<byte> key, ulong version)
    {
        CheckKey(key);
        CheckVersion(version);
        return storage.GetValue(Sha256.Hash(key), version);
    }

    /// <summary>An inclusion proof if the key has a value at the version, else a non-inclusion proof.</summary>
    public StateProof Prove(ReadOnlySpan<byte> key, ulong version)
    {
        CheckKey(key);
        CheckVersion(version);
        var keyHash = Sha256.Hash(key);
        var siblings = new List<Hash32>();
        var hash = storage.RootAt(version);
        for (int depth = 0; ; depth++)
        {
            if (hash.IsZero) return new StateProof([.. siblings], false, Hash32.Zero, Hash32.Zero);
            var node = LoadNode(hash);
            if (node.Kind == NodeKind.Leaf) return new StateProof([.. siblings], true, node.KeyHash, node.ValueHash);
            Invariant.Check(depth < 256, "state tree path longer than 256");
            bool right = keyHash.Bit(depth);
            siblings.Add(right ? node.Left : node.Right);
            hash = right ? node.Right : node.Left;
        }
    }

    /// <summary>Starts the next version's writes on top of <paramref name="baseVersion"/> (null: on the empty tree, for genesis).</summary>
    public WorkingState Begin(ulong? baseVersion)
    {
        if (baseVersion is { } v) CheckVersion(v);
        else Invariant.Check(storage.LatestVersion is null, "genesis state begun on a non-empty store");
        return new WorkingState(this, baseVersion);
    }

    internal TreeNode LoadNode(Hash32 hash) =>
        storage.GetNode(hash) ?? throw new InvalidOperationException($"state node {hash.Short} is missing from the store");

    private void CheckVersion(ulong version)
    {
        if (storage.LatestVersion is not { } latest || version > latest)
            throw new ArgumentOutOfRangeException(nameof(version), $"version {version} is not committed (latest is {storage.LatestVersion?.ToString() ?? "none"})");
    }

    internal static void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length == 0 || key.Length > StateLimits.KeyBytesMax)
            throw new ArgumentException($"state keys are 1 to {StateLimits.KeyBytesMax} bytes, got {key.Length}", nameof(key));
    }
}
