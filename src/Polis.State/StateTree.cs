using Polis.Core;
using Polis.Core.Crypto;
using Polis.State.Storage;
using Polis.State.Tree;
using Polis.Core.Proofs;

namespace Polis.State;

/// <summary>
/// The authenticated, versioned key-value state: a binary sparse Merkle tree over SHA-256 of the
/// keys, with path compression (a key alone in a subtree is a leaf at that subtree's root, as in
/// Diem/Aptos's Jellyfish Merkle Tree), so the depth is about log2 of the number of keys. It is
/// stored four binary levels to a node (<see cref="TreeNode"/>), so reads and writes go by log16. Version
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
        var root = storage.RootAt(version);
        if (root.IsZero) return new StateProof([], false, Hash32.Zero, Hash32.Zero);
        var node = LoadNode(root);
        for (int depth = 0; ; depth++)
        {
            Invariant.Check(depth < 64, "state tree path longer than 64 hex digits");
            int digit = keyHash.Nibble(depth);
            // Down the binary levels inside the node: halves of the slot range, one bit of the digit each.
            int first = 0;
            for (int count = TreeNode.SlotCount; count > 1; count /= 2)
            {
                var kind = node.KindOf(first, count);
                if (kind == NodeKind.Empty) return new StateProof([.. siblings], false, Hash32.Zero, Hash32.Zero);
                if (kind == NodeKind.Leaf)
                {
                    var leaf = node.OnlyLeaf(first, count);
                    return new StateProof([.. siblings], true, leaf.KeyHash, leaf.ValueHash);
                }
                int half = count / 2;
                bool right = (digit & half) != 0;
                siblings.Add(node.Subtree(right ? first : first + half, half).Hash);
                if (right) first += half;
            }
            var slot = node[digit];
            switch (slot.Kind)
            {
                case NodeKind.Empty:
                    return new StateProof([.. siblings], false, Hash32.Zero, Hash32.Zero);
                case NodeKind.Leaf:
                    return new StateProof([.. siblings], true, slot.KeyHash, slot.ValueHash);
                default:
                    node = LoadNode(slot.Hash);
                    break;
            }
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
