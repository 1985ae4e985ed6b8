using Polis.City;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Node.Storage;
using Polis.Testing;

namespace Polis.Node.Tests;

/// <summary>A node's store belongs to one genesis: it is never resumed with another.</summary>
public sealed class NodeLedgerTests
{
    private static readonly ValidatorSet Validators = new([new Validator(KeyPair.FromLabel("ledger-v0").PublicKey, 1)]);

    [Fact]
    public void A_store_started_from_one_genesis_is_refused_with_another()
    {
        using var dir = new TempDirectory();
        var first = TestGenesis.Create("polis-ledger", 1_000, Validators, [(KeyPair.FromLabel("ledger-alice").Address, 5UL)]);
        using (new NodeLedger(first, dir.Path, new CachingSignatureVerifier(), CityModules.Create())) { }
        using (var again = new NodeLedger(first, dir.Path, new CachingSignatureVerifier(), CityModules.Create())) Assert.Equal(0UL, again.Chain.Height);
        var other = TestGenesis.Create("polis-ledger", 1_000, Validators, [(KeyPair.FromLabel("ledger-alice").Address, 6UL)]);
        var refused = Assert.Throws<InvalidDataException>(() => new NodeLedger(other, dir.Path, new CachingSignatureVerifier(), CityModules.Create()));
        Assert.Contains("another genesis", refused.Message);
        Assert.Contains(first.Hash.ToString(), refused.Message);
    }
}
