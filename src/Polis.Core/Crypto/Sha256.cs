using System.Security.Cryptography;

namespace Polis.Core.Crypto;

/// <summary>SHA-256 from the .NET base library, with domain-separated helpers.</summary>
public static class Sha256
{
    public static Hash32 Hash(ReadOnlySpan<byte> data)
    {
        Span<byte> output = stackalloc byte[Hash32.Size];
        SHA256.HashData(data, output);
        return new Hash32(output);
    }

    private const int OneShotBytesMax = 1024;

    /// <summary>SHA-256(prefix || data): a one-byte domain tag keeps hashes of different kinds apart.</summary>
    public static Hash32 Hash(byte prefix, ReadOnlySpan<byte> data)
    {
        // Small inputs (Merkle leaves, headers, transactions) are copied after the tag on the stack
        // and hashed in one call: creating an incremental hasher per hash cost more than the hash.
        if (data.Length < OneShotBytesMax)
        {
            Span<byte> buffer = stackalloc byte[1 + data.Length];
            buffer[0] = prefix;
            data.CopyTo(buffer[1..]);
            return Hash(buffer);
        }
        using var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> tag = [prefix];
        hasher.AppendData(tag);
        hasher.AppendData(data);
        Span<byte> output = stackalloc byte[Hash32.Size];
        hasher.GetHashAndReset(output);
        return new Hash32(output);
    }

    /// <summary>SHA-256(prefix || left || right), the shape of every binary-tree inner node.</summary>
    public static Hash32 Hash(byte prefix, in Hash32 left, in Hash32 right)
    {
        Span<byte> buffer = stackalloc byte[1 + 2 * Hash32.Size];
        buffer[0] = prefix;
        left.WriteTo(buffer[1..]);
        right.WriteTo(buffer[(1 + Hash32.Size)..]);
        Span<byte> output = stackalloc byte[Hash32.Size];
        SHA256.HashData(buffer, output);
        return new Hash32(output);
    }
}
