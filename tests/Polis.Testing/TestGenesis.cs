using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Modules.Accounts;

namespace Polis.Testing;

/// <summary>Genesis values for tests: balances of CITY in the Accounts section and role grants by name.</summary>
public static class TestGenesis
{
    public static Genesis Create(string chainId, long timeMs, ValidatorSet validators,
        IReadOnlyList<(Address Address, ulong Amount)>? balances = null, IReadOnlyList<(Address Address, string[] Roles)>? roles = null)
    {
        var sections = balances is { Count: > 0 } ? new[] { new GenesisSection(AccountsKeys.Module, AccountsGenesis.Encode(balances)) } : [];
        return new Genesis(chainId, timeMs, validators, [.. (roles ?? []).Select(r => new RoleGrant(r.Address, r.Roles))], sections);
    }
}
