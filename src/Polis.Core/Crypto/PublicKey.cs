using NSec.Cryptography;

namespace Polis.Core.Crypto;

/// <summary>
/// An Ed25519 public key. The raw 32 bytes are the identity; the imported libsodium key is made
/// once, lazily, because verification through NSec needs it and importing costs a point decode.
/// </summary>
public sealed class PublicKey : IEquatable<PublicKey>
{
    public const int Size = 32;

    private readonly byte[] _bytes;
    private NSec.Cryptography.PublicKey? _imported;
    private bool _importFailed;

    private PublicKey(byte[] bytes) => _bytes = bytes;

    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>The key's hash, used where a fixed-size identity is handy (dictionaries, logs).</summary>
    public Hash32 Id => Sha256.Hash(_bytes);

    public static PublicKey FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size) throw new ArgumentException($"an Ed25519 public key is {Size} bytes, got {bytes.Length}", nameof(bytes));
        return new PublicKey(bytes.ToArray());
    }

    /// <summary>Parses 64 hex digits; false for anything else.</summary>
    public static bool TryParse(string? hex, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PublicKey? key)
    {
        key = null;
        if (hex is null || hex.Length != 2 * Size) return false;
        Span<byte> bytes = stackalloc byte[Size];
        if (Convert.FromHexString(hex, bytes, out _, out int written) != System.Buffers.OperationStatus.Done || written != Size) return false;
        key = FromBytes(bytes);
        return true;
    }

    /// <summary>Checks an Ed25519 signature. A key that is not a valid curve point verifies nothing.</summary>
    public bool Verify(ReadOnlySpan<byte> message, in Signature signature)
    {
        var key = Imported();
        if (key is null) return false;
        Span<byte> sig = stackalloc byte[Signature.Size];
        signature.WriteTo(sig);
        return SignatureAlgorithm.Ed25519.Verify(key, message, sig);
    }

    private NSec.Cryptography.PublicKey? Imported()
    {
        if (_imported is not null || _importFailed) return _imported;
        if (NSec.Cryptography.PublicKey.TryImport(SignatureAlgorithm.Ed25519, _bytes, KeyBlobFormat.RawPublicKey, out var key))
            _imported = key;
        else
            _importFailed = true;
        return _imported;
    }

    public override string ToString() => Convert.ToHexStringLower(_bytes);
    public bool Equals(PublicKey? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);
    public override bool Equals(object? obj) => obj is PublicKey k && Equals(k);
    public override int GetHashCode() => BitConverter.ToInt32(_bytes, 0);
}
