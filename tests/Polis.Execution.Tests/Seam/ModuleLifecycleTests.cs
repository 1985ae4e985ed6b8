using System.Text;
using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Execution.Auth;
using Polis.Testing;

namespace Polis.Execution.Tests.Seam;

/// <summary>What the executor promises every module: hook order, kept and discarded writes and events, its own namespaces.</summary>
public sealed class ModuleLifecycleTests
{
    private const string ChainId = "polis-seam-test";
    private static readonly KeyPair Sender = KeyPair.FromLabel("seam-sender");
    private static readonly BlockContext Block7 = new(7, 7_000);

    private static Transaction Tx(byte module, ulong nonce, string body) =>
        Transaction.Create(ChainId, Sender, nonce, new ModuleId(module), Encoding.ASCII.GetBytes(body));

    private static BlockExecutor Executor(params IModule[] modules) => new(ChainId, new CachingSignatureVerifier(), new ModuleSet(modules));

    [Fact]
    public void Begin_hooks_then_transactions_then_end_hooks_run_in_module_order_and_their_writes_and_events_are_kept()
    {
        var log = new List<string>();
        var first = new ProbeModule(1, "first", log);
        var second = new ProbeModule(2, "second", log);
        var view = new DictionaryView();
        var (outcome, reason) = Executor(first, second).Execute([Tx(2, 0, "ok"), Tx(1, 1, "ok")], view, Block7);
        Assert.Equal("", reason);
        Assert.Equal(["first.begin", "second.begin", "second.apply:ok", "first.apply:ok", "first.end", "second.end"], log);
        Assert.Equal([7], view.Get(first.Key("begin")));
        Assert.Equal([7], view.Get(second.Key("end")));
        Assert.Equal([(new ModuleId(1), "began"), (new ModuleId(2), "began")], outcome!.BeginBlockEvents.Select(e => (e.Module, e.Type)));
        Assert.Equal([(new ModuleId(1), "ended"), (new ModuleId(2), "ended")], outcome.EndBlockEvents.Select(e => (e.Module, e.Type)));
        Assert.All(outcome.Results, r => Assert.Equal("applied", Assert.Single(r.Events).Type));
        Assert.Equal(2UL, NonceRecord.Load(view, Sender.Address));
    }

    [Fact]
    public void A_failed_transaction_keeps_its_consumed_nonce_and_nothing_else_not_even_its_events()
    {
        var probe = new ProbeModule(1, "probe");
        var view = new DictionaryView();
        var (outcome, _) = Executor(probe).Execute([Tx(1, 0, "emit-fail")], view, Block7);
        var result = Assert.Single(outcome!.Results);
        Assert.Equal("probe.refused", result.Code.Name);
        Assert.Empty(result.Events);
        Assert.Null(view.Get(probe.Key("tx/0")));
        Assert.Equal(1UL, NonceRecord.Load(view, Sender.Address));
    }

    [Fact]
    public void A_transaction_for_a_module_the_chain_does_not_run_fails_in_the_executors_namespace_and_consumes_its_nonce()
    {
        var view = new DictionaryView();
        var (outcome, _) = Executor(new ProbeModule(1, "probe")).Execute([Tx(9, 0, "ok"), Tx(1, 1, "ok")], view, Block7);
        Assert.Equal([ExecutionResults.UnknownModule, ExecutionResults.Ok], outcome!.Results.Select(r => r.Code));
        Assert.Equal("tx.unknown-module", outcome.Results[0].Code.Name);
        Assert.Equal(2UL, NonceRecord.Load(view, Sender.Address));
    }

    [Fact]
    public void A_module_that_writes_outside_its_scope_or_answers_in_another_namespace_breaks_an_invariant()
    {
        var executor = Executor(new ProbeModule(1, "probe"), new ProbeModule(2, "other"));
        foreach (var key in new[] { "elsewhere/x", "other/x", "nonce/x", "role/x/y" })
        {
            var outside = Assert.Throws<InvariantViolationException>(() =>
                executor.Execute([Tx(1, 0, "write:" + Convert.ToHexString(Encoding.ASCII.GetBytes(key)))], new DictionaryView(), Block7));
            Assert.Contains("outside the prefixes it may write", outside.Message);
        }
        var foreign = Assert.Throws<InvariantViolationException>(() => executor.Execute([Tx(1, 0, "code:2")], new DictionaryView(), Block7));
        Assert.Contains("does not declare", foreign.Message);
        var undeclared = Assert.Throws<InvariantViolationException>(() => executor.Execute([Tx(1, 0, "code:1")], new DictionaryView(), Block7));
        Assert.Contains("does not declare", undeclared.Message);
        var smuggled = Assert.Throws<InvariantViolationException>(() => executor.Execute([Tx(1, 0, "events-in-result")], new DictionaryView(), Block7));
        Assert.Contains("event log", smuggled.Message);
    }

    [Fact]
    public void A_module_that_throws_fails_that_transaction_alone_and_the_block_goes_on()
    {
        var probe = new ProbeModule(1, "probe");
        var view = new DictionaryView();
        var (outcome, reason) = Executor(probe).Execute([Tx(1, 0, "throw"), Tx(1, 1, "ok")], view, Block7);
        Assert.Equal("", reason);
        Assert.Equal([ExecutionResults.ModuleFault, ExecutionResults.Ok], outcome!.Results.Select(r => r.Code));
        Assert.Equal("module probe failed with InvalidOperationException", outcome.Results[0].Message);
        Assert.Empty(outcome.Results[0].Events);
        Assert.Null(view.Get(probe.Key("tx/0")));
        Assert.NotNull(view.Get(probe.Key("tx/1")));
        Assert.Equal(2UL, NonceRecord.Load(view, Sender.Address));
    }

    [Fact]
    public void A_store_that_fails_underneath_a_module_stops_the_node_instead_of_failing_the_transaction_on_this_node_alone()
    {
        var executor = Executor(new ProbeModule(1, "probe"));
        var broken = new FailingView(new DictionaryView());
        NonceRecord.Store(broken.Inner, Sender.Address, 0);
        broken.FailReads = true;
        Assert.Throws<StateReadException>(() => executor.Execute([Tx(1, 0, "read:" + Convert.ToHexString("probe/x"u8))], new ReadThroughNonce(broken), Block7));
    }

    [Fact]
    public void Genesis_sections_are_held_to_the_same_write_scope_as_transactions()
    {
        var validators = new ValidatorSet([new Validator(KeyPair.FromLabel("seam-v0").PublicKey, 1)]);
        var modules = new ModuleSet([new ProbeModule(1, "probe"), new ProbeModule(2, "other")]);
        var inside = new Genesis(ChainId, 1_000, validators, [], [new GenesisSection(new ModuleId(1), "probe/seed"u8.ToArray())]);
        var view = new DictionaryView();
        inside.ApplyTo(view, modules);
        Assert.Equal([1], view.Get("probe/seed"u8));
        var outside = new Genesis(ChainId, 1_000, validators, [], [new GenesisSection(new ModuleId(1), "other/seed"u8.ToArray())]);
        Assert.Contains("outside the prefixes", Assert.Throws<InvariantViolationException>(() => outside.ApplyTo(new DictionaryView(), modules)).Message);
    }

    /// <summary>A state whose reads throw, as a store with a corrupt record would.</summary>
    private sealed class FailingView(DictionaryView inner) : IStateView
    {
        public DictionaryView Inner => inner;
        public bool FailReads { get; set; }
        public byte[]? Get(ReadOnlySpan<byte> key) => FailReads ? throw new IOException("sector unreadable") : inner.Get(key);
        public void Put(byte[] key, byte[] value) => inner.Put(key, value);
        public void Delete(byte[] key) => inner.Delete(key);
    }

    /// <summary>Answers the executor's own reads (nonces, the fee schedule) from a healthy copy, so only the module's reads meet the broken store.</summary>
    private sealed class ReadThroughNonce(FailingView broken) : IStateView
    {
        public byte[]? Get(ReadOnlySpan<byte> key) => key.StartsWith("nonce/"u8) || key.StartsWith("params/"u8) ? broken.Inner.Get(key) : broken.Get(key);
        public void Put(byte[] key, byte[] value) => broken.Put(key, value);
        public void Delete(byte[] key) => broken.Delete(key);
    }

    [Fact]
    public void A_validator_change_asked_for_at_end_of_block_is_refused_until_the_chain_can_apply_it()
    {
        var validators = new ValidatorSet([new Validator(KeyPair.FromLabel("seam-v0").PublicKey, 1)]);
        var asking = new ProbeModule(1, "probe", updates: [new ValidatorUpdate(KeyPair.FromLabel("seam-v1").PublicKey, 1)]);
        var chain = new Chain(new Genesis(ChainId, 1_000, validators), TreeState.InMemory(), new CachingSignatureVerifier(), new ModuleSet([asking]));
        Assert.Contains("validator-set change", Assert.Throws<InvariantViolationException>(() => chain.Build(2_000, validators[0].Address, [], [])).Message);
    }
}
