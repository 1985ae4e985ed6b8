using Polis.Benchmarks;

namespace Polis.Benchmarks.Tests;

/// <summary>Each benchmark body runs once, untimed, so the benchmarks cannot silently break. Figures come from BenchmarkDotNet, never from here.</summary>
public sealed class BenchmarkSmokeTests
{
    [Fact]
    public void Crypto_and_codec_benchmarks_run()
    {
        var crypto = new CryptoBenchmarks();
        crypto.Setup();
        Assert.True(crypto.Verify());
        crypto.Sign();
        crypto.Sha256Small();
        var codec = new CodecBenchmarks();
        codec.Setup();
        Assert.True(codec.VoteEncode() > 0);
        codec.VoteDecode();
        Assert.True(codec.BlockEncode() > 0);
        Assert.Equal(1000, codec.BlockDecode().Transactions.Count);
        codec.MerkleRoot();
        Assert.True(codec.MerkleVerify());
    }

    [Fact]
    public void Execution_benchmarks_run_and_agree()
    {
        var execution = new ExecutionBenchmarks();
        execution.Setup();
        Assert.Equal(execution.ColdSignatures(), execution.WarmSignatures());
    }
}
