using System.Security.Cryptography;
using Polis.Core.Crypto;
using Polis.Core.Merkle;

namespace Polis.Node.Gateway;

/// <summary>
/// <see cref="MerkleTree.LeafHash"/> without an IncrementalHash allocation per reading: one hasher
/// per thread, reused (small inputs hash faster that way and scale across the verifying threads).
/// </summary>
internal static class LeafHasher
{
    [ThreadStatic] private static IncrementalHash? t_hasher;

    public static Hash32 Hash(ReadOnlySpan<byte> data)
    {
        var hasher = t_hasher ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        ReadOnlySpan<byte> prefix = [MerkleTree.LeafPrefix];
        hasher.AppendData(prefix);
        hasher.AppendData(data);
        Span<byte> output = stackalloc byte[Hash32.Size];
        hasher.GetHashAndReset(output);
        return new Hash32(output);
    }
}
