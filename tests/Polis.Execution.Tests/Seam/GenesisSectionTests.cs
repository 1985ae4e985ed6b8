using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Execution.Roles;
using Polis.Testing;

namespace Polis.Execution.Tests.Seam;

/// <summary>The genesis carries each module's own section and open role names; a node refuses one it cannot run.</summary>
public sealed class GenesisSectionTests
{
    private static readonly ValidatorSet Validators = new([new Validator(KeyPair.FromLabel("gen-v0").PublicKey, 1)]);
    private static readonly Address Mayor = KeyPair.FromLabel("gen-mayor").Address;

    [Fact]
    public void Sections_and_role_grants_round_trip_and_are_committed_to_by_the_hash()
    {
        var genesis = new Genesis("polis-gen", 5, Validators, [new RoleGrant(Mayor, ["mayor", "auditor"])], [new GenesisSection(new ModuleId(1), [1, 2, 3])]);
        var decoded = Genesis.Decode(genesis.ToBytes());
        Assert.Equal(genesis.Hash, decoded.Hash);
        Assert.Equal([1, 2, 3], decoded.SectionOf(new ModuleId(1)).ToArray());
        Assert.Equal(["mayor", "auditor"], decoded.Roles.Single().Roles);
        var other = new Genesis("polis-gen", 5, Validators, [new RoleGrant(Mayor, ["mayor", "auditor"])], [new GenesisSection(new ModuleId(1), [1, 2, 4])]);
        Assert.NotEqual(genesis.Hash, other.Hash);
    }

    [Fact]
    public void A_genesis_naming_a_module_or_role_the_node_does_not_have_is_refused()
    {
        var modules = new ModuleSet([new ProbeModule(1, "probe", roles: ["mayor"])]);
        var unknownSection = new Genesis("polis-gen", 5, Validators, [], [new GenesisSection(new ModuleId(2), [1])]);
        Assert.Contains("module 2", Assert.Throws<ArgumentException>(() => unknownSection.ApplyTo(new DictionaryView(), modules)).Message);
        var unknownRole = new Genesis("polis-gen", 5, Validators, [new RoleGrant(Mayor, ["emperor"])], []);
        Assert.Contains("emperor", Assert.Throws<ArgumentException>(() => unknownRole.ApplyTo(new DictionaryView(), modules)).Message);
        var good = new Genesis("polis-gen", 5, Validators, [new RoleGrant(Mayor, ["mayor"])], []);
        var view = new DictionaryView();
        good.ApplyTo(view, modules);
        Assert.True(RoleRecord.Has(view, "mayor", Mayor));
        Assert.False(RoleRecord.Has(view, "mayor", KeyPair.FromLabel("gen-other").Address));
    }

    [Fact]
    public void Sections_out_of_order_or_repeated_are_refused_at_decode()
    {
        var valid = new Genesis("polis-gen", 5, Validators, [], [new GenesisSection(new ModuleId(1), [1]), new GenesisSection(new ModuleId(2), [2])]).ToBytes();
        Assert.NotNull(Genesis.Decode(valid));
        Assert.Throws<ArgumentException>(() => new Genesis("polis-gen", 5, Validators, [], [new GenesisSection(new ModuleId(2), [2]), new GenesisSection(new ModuleId(1), [1])]));
        Assert.Throws<ArgumentException>(() => new Genesis("polis-gen", 5, Validators, [], [new GenesisSection(new ModuleId(1), [2]), new GenesisSection(new ModuleId(1), [1])]));
        // The encoding ends: module 1, length 1, [1], module 2, length 1, [2] (a free chain encodes no fee schedule). Module 9 before module 2 is out of order.
        int first = valid.Length - 12;
        Assert.Equal(1, valid[first]);
        valid[first] = 9;
        Assert.Throws<CodecException>(() => Genesis.Decode(valid));
    }
}
