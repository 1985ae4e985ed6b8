using BenchmarkDotNet.Attributes;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.City;
using Polis.Modules.Accounts;

namespace Polis.Benchmarks;

/// <summary>Executing a block of 1,000 transfers: signatures checked in parallel (cold cache) or already checked (warm), then applied.</summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class ExecutionBenchmarks
{
    private Transaction[] _txs = null!;
    private TreeState _state = null!;
    private Genesis _genesis = null!;
    private readonly ModuleSet _modules = CityModules.Set();
    private CachingSignatureVerifier _warm = null!;

    [GlobalSetup]
    public void Setup()
    {
        _txs = Fixtures.Transfers();
        var validators = new ValidatorSet([new Validator(Fixtures.Senders[0].PublicKey, 1)]);
        _genesis = new Genesis(Fixtures.ChainId, 0, validators, [],
            [new GenesisSection(AccountsKeys.Module, AccountsGenesis.Encode(Fixtures.Senders.Select(s => (s.Address, 1_000_000UL)).ToArray()))]);
        _state = TreeState.InMemory();
        var w = _state.Begin(null);
        _genesis.ApplyTo(w, _modules);
        w.Commit();
        _warm = new CachingSignatureVerifier();
        new BlockExecutor(Fixtures.ChainId, _warm, _modules).VerifySignatures(_txs);
    }

    private Hash32 Execute(ISignatureVerifier verifier)
    {
        var working = _state.Begin(0);
        var (outcome, reason) = new BlockExecutor(Fixtures.ChainId, verifier, _modules).Execute(_txs, working, new BlockContext(1, 1));
        if (outcome is null) throw new InvalidOperationException(reason);
        return working.ComputeRoot();
    }

    [Benchmark(Description = "1,000 transfers, signatures verified in parallel")]
    public Hash32 ColdSignatures() => Execute(DirectSignatureVerifier.Instance);

    [Benchmark(Description = "1,000 transfers, signatures already verified at admission")]
    public Hash32 WarmSignatures() => Execute(_warm);
}
