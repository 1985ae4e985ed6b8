using Polis.Core.Crypto;

namespace Polis.Core.Proofs;

/// <summary>
/// The hashing rules of the state's binary sparse Merkle tree: what a leaf and an internal node
/// hash to. Shared by the tree (Polis.State, which stores it) and by <see cref="StateProof"/>
/// (which a light client checks without any storage). The one-byte prefixes keep a leaf from ever
/// passing for an internal node (second-preimage resistance, as in RFC 6962).
/// </summary>
public static class StateHashes
{
    public const byte LeafPrefix = 0x00;
    public const byte InternalPrefix = 0x01;

    public static Hash32 Leaf(in Hash32 keyHash, in Hash32 valueHash) => Sha256.Hash(LeafPrefix, keyHash, valueHash);

    public static Hash32 Internal(in Hash32 left, in Hash32 right) => Sha256.Hash(InternalPrefix, left, right);
}
