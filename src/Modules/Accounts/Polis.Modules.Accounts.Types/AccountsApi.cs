using Polis.Client.Api;
using Polis.Core.Crypto;

namespace Polis.Modules.Accounts;

/// <summary>An account as of <paramref name="Height"/>: its CITY balance and next nonce; <paramref name="Proof"/> (on request) proves the balance record.</summary>
public sealed record AccountResponse(string Address, ulong Height, ulong Balance, ulong Nonce, StateProofResponse? Proof);

/// <summary>The Accounts module's routes for a <see cref="NodeClient"/>.</summary>
public static class AccountsApi
{
    public static Task<AccountResponse> AccountAsync(this NodeClient client, Address address, CancellationToken cancel = default) =>
        client.GetAsync<AccountResponse>($"v1/{AccountsKeys.Name}/{address}", cancel);
}
