using NSec.Cryptography;

namespace Polis.Core.Crypto;

/// <summary>An Ed25519 signing key with its public key. Signing is deterministic (RFC 8032).</summary>
public sealed class KeyPair : IDisposable
{
    public const int SeedSize = 32;

    private readonly Key _key;

    private KeyPair(Key key)
    {
        _key = key;
        PublicKey = PublicKey.FromBytes(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    public PublicKey PublicKey { get; }

    public Address Address => Address.From(PublicKey);

    public static KeyPair Generate() =>
        new(Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));

    /// <summary>Rebuilds a key from its 32-byte seed (the RFC 8032 private key).</summary>
    public static KeyPair FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize) throw new ArgumentException($"an Ed25519 seed is {SeedSize} bytes, got {seed.Length}", nameof(seed));
        return new(Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey,
            new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));
    }

    /// <summary>A key derived from a label, for tests and the simulator only: never for real keys.</summary>
    public static KeyPair FromLabel(string label) => FromSeed(Sha256.Hash(System.Text.Encoding.UTF8.GetBytes(label)).ToArray());

    public byte[] ExportSeed() => _key.Export(KeyBlobFormat.RawPrivateKey);

    public Signature Sign(ReadOnlySpan<byte> message)
    {
        Span<byte> sig = stackalloc byte[Signature.Size];
        SignatureAlgorithm.Ed25519.Sign(_key, message, sig);
        return new Signature(sig);
    }

    public void Dispose() => _key.Dispose();
}
