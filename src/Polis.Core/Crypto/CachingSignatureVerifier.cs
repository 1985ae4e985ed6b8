using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Polis.Core.Crypto;

/// <summary>
/// Remembers verification results by SHA-256 of (key, message, signature), so a signature seen by
/// several components (or several simulated validators) is checked by libsodium once. Bounded: when
/// full it starts over, which costs only re-verification.
/// </summary>
public sealed class CachingSignatureVerifier(int entriesMax = 1 << 20) : ISignatureVerifier
{
    private readonly ConcurrentDictionary<Hash32, bool> _results = new();
    private long _hits, _misses;
    /// <summary>Entries, kept by hand: ConcurrentDictionary.Count takes every lock, and every verification asked it.</summary>
    private int _count;

    public long Hits => Interlocked.Read(ref _hits);
    public long Misses => Interlocked.Read(ref _misses);

    public bool Verify(PublicKey key, ReadOnlySpan<byte> message, in Signature signature)
    {
        var id = CacheKey(key, message, signature);
        if (_results.TryGetValue(id, out bool known))
        {
            Interlocked.Increment(ref _hits);
            return known;
        }
        Interlocked.Increment(ref _misses);
        bool ok = key.Verify(message, signature);
        if (Volatile.Read(ref _count) >= entriesMax)
        {
            _results.Clear();
            Volatile.Write(ref _count, 0);
        }
        if (_results.TryAdd(id, ok)) Interlocked.Increment(ref _count);
        return ok;
    }

    private static Hash32 CacheKey(PublicKey key, ReadOnlySpan<byte> message, in Signature signature)
    {
        using var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> sig = stackalloc byte[Signature.Size];
        signature.WriteTo(sig);
        hasher.AppendData(key.Bytes);
        hasher.AppendData(sig);
        hasher.AppendData(message);
        Span<byte> output = stackalloc byte[Hash32.Size];
        hasher.GetHashAndReset(output);
        return new Hash32(output);
    }
}
