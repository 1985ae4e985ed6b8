using Polis.Client.Config;
using Polis.Core.Crypto;

namespace Polis.Client.Tests;

/// <summary>The genesis file a light client and a node read: what it refuses, and what a light client takes from it.</summary>
public sealed class GenesisFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("polis-genesis-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string json)
    {
        string path = Path.Combine(_dir, "genesis.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static string Validator => $"{{\"name\":\"v0\",\"publicKey\":\"{KeyPair.FromLabel("genesis-v0").PublicKey}\",\"power\":10}}";

    [Fact]
    public void A_key_the_format_does_not_have_is_refused_with_its_name()
    {
        // The top-level allocations of earlier releases would otherwise fund nobody, silently.
        var outdated = Assert.Throws<FormatException>(() => GenesisFile.Load(Write(
            $"{{\"chainId\":\"polis-x\",\"genesisTimeMs\":1,\"validators\":[{Validator}],\"allocations\":[{{\"address\":\"x\",\"amount\":1}}]}}")));
        Assert.Contains("allocations", outdated.Message);
        var misspelt = Assert.Throws<FormatException>(() => GenesisFile.Load(Write(
            $"{{\"chainId\":\"polis-x\",\"genesisTimeMs\":1,\"validators\":[{{\"name\":\"v0\",\"publicKey\":\"00\",\"powr\":10}}]}}")));
        Assert.Contains("powr", misspelt.Message);
    }

    [Fact]
    public void A_light_client_takes_the_chain_and_its_validators_and_leaves_module_sections_to_the_modules()
    {
        var file = GenesisFile.Load(Write(
            $"{{\"chainId\":\"polis-x\",\"genesisTimeMs\":1,\"validators\":[{Validator}],\"modules\":{{\"accounts\":{{\"balances\":[]}},\"future-module\":{{\"anything\":[1,2]}}}}}}"));
        var light = new Light.LightClient(file);
        Assert.Equal("polis-x", light.ChainId);
        Assert.Equal(10UL, light.Validators.TotalPower);
        Assert.Equal(["accounts", "future-module"], file.Modules.Keys);
    }

    [Theory]
    [InlineData("\"validators\":null")]
    [InlineData("\"validators\":[null]")]
    [InlineData("\"roles\":null")]
    [InlineData("\"roles\":[{\"address\":null,\"roles\":[]}]")]
    public void Nulls_where_lists_belong_are_refused_with_a_message_not_a_crash(string member)
    {
        var path = Write($"{{\"chainId\":\"polis-x\",\"genesisTimeMs\":1,{(member.StartsWith("\"validators", StringComparison.Ordinal) ? member : $"\"validators\":[{Validator}],{member}")}}}");
        var file = GenesisFile.Load(path);
        Assert.Throws<FormatException>(() => { file.ToValidatorSet(); file.ParseRoles(); });
    }
}
