using Polis.City;
using Polis.Core.Ledger;
using Polis.Execution;

namespace Polis.Execution.Tests.Seam;

/// <summary>The module set is where modules are registered: it refuses any composition in which two could step on each other.</summary>
public sealed class ModuleSetTests
{
    [Fact]
    public void The_city_modules_compose()
    {
        var set = CityModules.Set();
        Assert.Equal(["accounts", "devices"], set.Modules.Select(m => m.Name));
        Assert.NotNull(set.NativeAsset);
        Assert.Contains("device-owner", set.Roles);
    }

    [Theory]
    [InlineData("alpha/", "alpha/x/")]   // one module's prefix inside another's
    [InlineData("beta/x/", "beta/")]     // and the other way round
    [InlineData("nonce/", "gamma/")]     // the executor's nonces
    [InlineData("role/mine/", "delta/")] // the executor's role grants
    public void State_prefixes_that_overlap_are_refused(string first, string second)
    {
        var error = Assert.Throws<ArgumentException>(() => new ModuleSet([
            new ProbeModule(1, "one", prefixes: [first]), new ProbeModule(2, "two", prefixes: [second, "two/"])]));
        Assert.Contains("collides", error.Message);
    }

    [Fact]
    public void Ids_names_roles_and_result_codes_must_each_belong_to_one_module()
    {
        Assert.Contains("share id 1", Assert.Throws<ArgumentException>(() => new ModuleSet([new ProbeModule(1, "one"), new ProbeModule(1, "two")])).Message);
        Assert.Contains("two modules are named", Assert.Throws<ArgumentException>(() => new ModuleSet([new ProbeModule(1, "one"), new ProbeModule(2, "one", prefixes: ["x/"])])).Message);
        Assert.Contains("reserved id 0", Assert.Throws<ArgumentException>(() => new ModuleSet([new ProbeModule(0, "zero")])).Message);
        Assert.Contains("module name", Assert.Throws<ArgumentException>(() => new ModuleSet([new ProbeModule(1, "Upper")])).Message);
        Assert.Contains("chain's own routes", Assert.Throws<ArgumentException>(() => new ModuleSet([new ProbeModule(1, "events")])).Message);
        Assert.Contains("declared twice", Assert.Throws<ArgumentException>(() => new ModuleSet([
            new ProbeModule(1, "one", roles: ["mayor"]), new ProbeModule(2, "two", roles: ["mayor"])])).Message);
        Assert.Contains("not in its namespace", Assert.Throws<ArgumentException>(() => new ModuleSet([new ForeignCodes()])).Message);
    }

    [Fact]
    public void A_module_may_write_its_own_prefixes_and_those_of_the_modules_it_names_and_nothing_else()
    {
        var set = new ModuleSet([new ProbeModule(1, "one"), new ProbeModule(2, "two", writesStateOf: ["one"])]);
        var one = new ModuleId(1);
        var two = new ModuleId(2);
        Assert.True(set.MayWrite(one, "one/anything"u8));
        Assert.False(set.MayWrite(one, "two/x"u8));
        Assert.True(set.MayWrite(two, "two/x"u8));
        Assert.True(set.MayWrite(two, "one/x"u8));
        Assert.False(set.MayWrite(one, "nonce/x"u8));
        Assert.False(set.MayWrite(one, "role/mayor/x"u8));
        Assert.False(set.MayWrite(one, "one"u8));
        Assert.False(set.MayWrite(new ModuleId(3), "one/x"u8));
        Assert.Contains("not in the set", Assert.Throws<ArgumentException>(() => new ModuleSet([new ProbeModule(1, "one", writesStateOf: ["ghost"])])).Message);
    }

    private sealed class ForeignCodes : IModule
    {
        public ModuleId Id => new(3);
        public string Name => "three";
        public IReadOnlyList<string> StatePrefixes => ["three/"];
        public IReadOnlyList<ResultCode> ResultCodes => [ResultCode.Of(new ModuleId(4), "four", 1, "stolen")];
        public TxResult Apply(Transaction tx, IStateView scratch, in BlockContext block, EventLog events) => TxResult.Ok(tx.Hash);
    }
}
