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
        if (TryRecall(id, out bool known)) return known;
        bool ok = key.Verify(message, signature);
        Remember(id, ok);
        return ok;
    }

    /// <summary>
    /// Keyed by the transaction hash: SHA-256 of the transaction's encoding, which holds every signed
    /// field and the signature, so equal hashes mean the same check. Its preimages are transaction
    /// encodings, never the (key, signature, message) layout of <see cref="CacheKey"/>, so the two
    /// kinds of entry cannot be confused short of a SHA-256 collision.
    /// </summary>
    public bool VerifyTransaction(Ledger.Transaction tx)
    {
        if (TryRecall(tx.Hash, out bool known)) return known;
        bool ok = tx.Sender.Verify(tx.SignBytes(), tx.Signature);
        Remember(tx.Hash, ok);
        return ok;
    }

    private bool TryRecall(in Hash32 id, out bool known)
    {
        if (_results.TryGetValue(id, out known))
        {
            Interlocked.Increment(ref _hits);
            return true;
        }
        Interlocked.Increment(ref _misses);
        return false;
    }

    private void Remember(in Hash32 id, bool ok)
    {
        if (Volatile.Read(ref _count) >= entriesMax)
        {
            _results.Clear();
            Volatile.Write(ref _count, 0);
        }
        if (_results.TryAdd(id, ok)) Interlocked.Increment(ref _count);
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
