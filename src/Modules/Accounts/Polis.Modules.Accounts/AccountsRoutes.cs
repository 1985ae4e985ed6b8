using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Polis.Core.Crypto;
using Polis.Execution.Auth;
using Polis.Modules.Http;

namespace Polis.Modules.Accounts;

/// <summary><c>GET /v1/accounts/{address}</c>: CITY balance and next nonce at the latest height, with the balance record's proof on request.</summary>
internal static class AccountsRoutes
{
    public static void Map(IEndpointRouteBuilder routes, IModuleHost host) =>
        routes.MapGet("/{address}", (string address, bool? proof) => Account(host, address, proof ?? false))
            .Describe("account", "An account", "Its CITY balance and next nonce at the latest committed height; ?proof=true adds the balance record's proof under that height's state root (rate-limited per address).")
            .Answers<AccountResponse>().Errors(StatusCodes.Status400BadRequest, StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(Polis.Modules.Http.ApiApp.ProofPolicy);

    private static IResult Account(IModuleHost host, string text, bool withProof)
    {
        if (!Address.TryParse(text, out var address, out string error)) return ApiResults.BadRequest($"address '{ApiResults.Truncate(text)}': {error}");
        ulong height = host.CommittedHeight;
        var state = host.StateAt(height);
        ulong balance = Balances.Get(state, AccountsKeys.NativeAsset, address);
        ulong nonce = NonceRecord.Load(state, address);
        var proof = withProof ? ApiResults.Prove(host, AccountsKeys.Balance(AccountsKeys.NativeAsset, address), height) : null;
        return Results.Ok(new AccountResponse(address.ToString(), height, balance, nonce, proof));
    }
}
