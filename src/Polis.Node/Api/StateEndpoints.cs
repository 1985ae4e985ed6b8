using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Polis.Client.Api;
using Polis.Modules.Http;

namespace Polis.Node.Api;

/// <summary><c>GET /v1/state/{key}</c>: any state key's value at a committed height with its proof, for light clients of any module.</summary>
internal static class StateEndpoints
{
    public static readonly ApiTagDescription Tag = new("state", "Any state entry at a committed height with its proof under that block's state root, for light clients of any module.");

    private const int StateKeyBytesMax = 256;

    public static void Map(WebApplication app, PolisNode node)
    {
        var host = new NodeModuleHost(node);
        app.MapGet("/v1/state/{key}", (string key, string? height) =>
        {
            if (key.Length == 0 || key.Length > 2 * StateKeyBytesMax || key.Length % 2 != 0) return ApiResults.BadRequest($"key must be 1..{StateKeyBytesMax} bytes in hex");
            byte[] bytes;
            try { bytes = Convert.FromHexString(key); }
            catch (FormatException) { return ApiResults.BadRequest("key is not hex"); }
            if (!ApiResults.TryCommittedHeight(host, height, out ulong h, out var error)) return error!;
            return Results.Ok(ApiResults.Prove(host, bytes, h));
        }).Describe("stateProof", Tag, "A state entry with its proof", "The value under a key (hex) at a committed height (default: the latest), or its absence, with the proof under the block's state root. Rate-limited per address.")
            .Answers<StateProofResponse>().Errors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(ApiApp.CostlyPolicy);
    }
}
