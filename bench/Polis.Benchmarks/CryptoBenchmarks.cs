using BenchmarkDotNet.Attributes;
using Polis.Core.Crypto;

namespace Polis.Benchmarks;

/// <summary>The machine's own limits, measured in the same run as everything else: V (Ed25519 verify) sets the scale.</summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class CryptoBenchmarks
{
    private readonly KeyPair _key = KeyPair.FromLabel("bench");
    private readonly byte[] _message = new byte[128];
    private Signature _signature;
    private readonly byte[] _small = new byte[64];

    [GlobalSetup]
    public void Setup() => _signature = _key.Sign(_message);

    [Benchmark(Baseline = true, Description = "Ed25519 verify (V)")]
    public bool Verify() => _key.PublicKey.Verify(_message, _signature);

    [Benchmark(Description = "Ed25519 sign")]
    public Signature Sign() => _key.Sign(_message);

    [Benchmark(Description = "SHA-256 of 64 bytes")]
    public Hash32 Sha256Small() => Sha256.Hash(_small);

    /// <summary>The route without libcrypto 3, for comparison in the same run.</summary>
    [Benchmark(Description = "SHA-256 of 64 bytes, libsodium")]
    public byte[] Sha256SmallSodium() => NSec.Cryptography.HashAlgorithm.Sha256.Hash(_small);
}
