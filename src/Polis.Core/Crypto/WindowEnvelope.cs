using System.Security.Cryptography;
using NSec.Cryptography;

namespace Polis.Core.Crypto;

/// <summary>
/// A personal reading's payload sealed under its time window's key (<see cref="WindowKeyTree"/>):
/// XChaCha20-Poly1305 (libsodium's, through NSec) with a fresh random 24-byte nonce, which is why
/// the same value sealed twice gives two unrelated envelopes and an anchored envelope lets no one
/// test a guess of the plaintext. The associated data binds the envelope to where it belongs
/// (chain, device, sequence, window: the caller's canonical bytes of them), so an envelope moved to
/// another reading does not open. Layout: <c>nonce (24) | ciphertext | tag (16)</c>.
/// </summary>
public static class WindowEnvelope
{
    private static readonly AeadAlgorithm Aead = AeadAlgorithm.XChaCha20Poly1305;
    public const int NonceBytes = 24;
    public const int TagBytes = 16;
    public const int OverheadBytes = NonceBytes + TagBytes;
    /// <summary>The largest payload sealed: a reading's values, far below what a reading may carry.</summary>
    public const int PlaintextBytesMax = 4 * 1024;

    /// <summary>Seals <paramref name="plaintext"/> under a 32-byte window key.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> windowKey, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext)
    {
        if (plaintext.Length > PlaintextBytesMax) throw new ArgumentException($"a sealed payload is at most {PlaintextBytesMax} bytes", nameof(plaintext));
        using var key = Import(windowKey);
        var envelope = new byte[OverheadBytes + plaintext.Length];
        var nonce = envelope.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        Aead.Encrypt(key, nonce, associatedData, plaintext, envelope.AsSpan(NonceBytes));
        return envelope;
    }

    /// <summary>The plaintext, or false when the envelope is malformed, or was not sealed under this key for this associated data.</summary>
    public static bool TryOpen(ReadOnlySpan<byte> windowKey, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> envelope, out byte[] plaintext)
    {
        plaintext = [];
        if (envelope.Length < OverheadBytes || envelope.Length > OverheadBytes + PlaintextBytesMax) return false;
        using var key = Import(windowKey);
        var opened = new byte[envelope.Length - OverheadBytes];
        if (!Aead.Decrypt(key, envelope[..NonceBytes], associatedData, envelope[NonceBytes..], opened)) return false;
        plaintext = opened;
        return true;
    }

    private static Key Import(ReadOnlySpan<byte> windowKey)
    {
        if (windowKey.Length != WindowKeyTree.KeyBytes) throw new ArgumentException($"a window key is {WindowKeyTree.KeyBytes} bytes", nameof(windowKey));
        return Key.Import(Aead, windowKey, KeyBlobFormat.RawSymmetricKey);
    }
}
