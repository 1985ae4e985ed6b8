using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Polis.Modules.Http;

namespace Polis.Node.Api;

/// <summary><c>GET /v1/state/{key}</c>: any state key's value at a committed height with its proof, for light clients of any module.</summary>
internal static class StateEndpoints
{
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
        }).WithName("stateProof").RequireRateLimiting(ApiApp.CostlyPolicy);
    }
}
