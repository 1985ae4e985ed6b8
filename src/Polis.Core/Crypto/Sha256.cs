using System.Security.Cryptography;

namespace Polis.Core.Crypto;

/// <summary>
/// SHA-256 with domain-separated helpers. A node computes some twenty hashes per transfer (tree
/// nodes and leaves, state keys and values, addresses, Merkle leaves, transaction ids), nearly all
/// under two SHA-256 blocks, so the fixed cost of a call matters more than the rate. They go to the
/// system's OpenSSL through its EVP interface (<see cref="OpenSslSha256"/>: SHA-NI code, 334 ns at
/// 64 bytes here). Without libcrypto 3: libsodium (through NSec, 503 ns) up to two blocks,
/// where .NET's OpenSSL wrapper costs ~0.75 µs a call in fixed overhead, and .NET's wrapper with one
/// reused hasher per thread above.
/// </summary>
public static class Sha256
{
    /// <summary>Inputs up to this many bytes fit two SHA-256 blocks with their padding.</summary>
    private const int SodiumBytesMax = 119;
    private const int TaggedOnStackBytesMax = 1024;
    private static readonly NSec.Cryptography.HashAlgorithm Sodium = NSec.Cryptography.HashAlgorithm.Sha256;
    [ThreadStatic] private static IncrementalHash? t_hasher;

    /// <summary>Where this process's hashes come from: OpenSSL's EVP interface, or libsodium and .NET without libcrypto 3.</summary>
    public static string Implementation => OpenSslSha256.Available ? "OpenSSL EVP" : "libsodium and .NET";

    public static Hash32 Hash(ReadOnlySpan<byte> data) => HashParts(data, []);

    /// <summary>SHA-256(prefix || data): a one-byte domain tag keeps hashes of different kinds apart.</summary>
    public static Hash32 Hash(byte prefix, ReadOnlySpan<byte> data)
    {
        if (data.Length >= TaggedOnStackBytesMax) return HashParts([prefix], data);
        Span<byte> buffer = stackalloc byte[1 + data.Length];
        buffer[0] = prefix;
        data.CopyTo(buffer[1..]);
        return HashParts(buffer, []);
    }

    private static Hash32 HashParts(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        Span<byte> output = stackalloc byte[Hash32.Size];
        if (!OpenSslSha256.Available || !OpenSslSha256.TryHash(first, second, output)) HashWithoutOpenSsl(first, second, output);
        return new Hash32(output);
    }

    /// <summary>The routes without libcrypto 3 (kept testable where it is present).</summary>
    internal static void HashWithoutOpenSsl(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> output)
    {
        if (second.IsEmpty && first.Length <= SodiumBytesMax)
        {
            Sodium.Hash(first, output);
            return;
        }
        var hasher = t_hasher ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hasher.AppendData(first);
        hasher.AppendData(second);
        hasher.GetHashAndReset(output);
    }

    /// <summary>SHA-256(prefix || left || right), the shape of every binary-tree inner node.</summary>
    public static Hash32 Hash(byte prefix, in Hash32 left, in Hash32 right)
    {
        Span<byte> buffer = stackalloc byte[1 + 2 * Hash32.Size];
        buffer[0] = prefix;
        left.WriteTo(buffer[1..]);
        right.WriteTo(buffer[(1 + Hash32.Size)..]);
        return HashParts(buffer, []);
    }
}
