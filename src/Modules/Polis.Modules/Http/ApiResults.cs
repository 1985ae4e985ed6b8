using System.Globalization;
using Microsoft.AspNetCore.Http;
using Polis.Client.Api;

namespace Polis.Modules.Http;

/// <summary>The answers every route gives alike: JSON errors with a message a person understands, heights parsed one way.</summary>
public static class ApiResults
{
    public static IResult BadRequest(string message) => Results.Json(new ApiError(message), statusCode: StatusCodes.Status400BadRequest);
    public static IResult NotFound(string message) => Results.Json(new ApiError(message), statusCode: StatusCodes.Status404NotFound);

    /// <summary>Echoes client text in an error without letting it grow the answer.</summary>
    public static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "…";

    public static bool TryParseHeight(string text, out ulong height, out IResult? error)
    {
        error = null;
        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out height) || height == 0)
        {
            error = BadRequest($"height '{Truncate(text)}' is not a positive integer");
            return false;
        }
        return true;
    }

    /// <summary>The height asked for (default: the latest committed), which must be committed already.</summary>
    public static bool TryCommittedHeight(IModuleHost host, string? text, out ulong height, out IResult? error)
    {
        height = host.CommittedHeight;
        error = null;
        if (text is null) return true;
        if (!TryParseHeight(text, out height, out error)) return false;
        if (height > host.CommittedHeight)
        {
            error = NotFound($"height {height} is not committed yet (latest is {host.CommittedHeight})");
            return false;
        }
        return true;
    }

    /// <summary>A key's value at <paramref name="height"/> with its proof under that height's state root.</summary>
    public static StateProofResponse Prove(IModuleHost host, byte[] key, ulong height)
    {
        var value = host.StateAt(height).Get(key);
        var proof = host.Prove(key, height);
        return new StateProofResponse(height, host.StateRootAt(height).ToString(), Convert.ToHexStringLower(key),
            value is null ? null : Convert.ToHexStringLower(value), Convert.ToHexStringLower(proof.ToBytes()));
    }
}
