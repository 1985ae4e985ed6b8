using Polis.Client.Api;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Node.Mempool;
using Polis.Modules.Http;

namespace Polis.Node.Api;

/// <summary>
/// Submitting transactions and asking after them. A transaction arrives as JSON <c>{"tx": "…"}</c>
/// (hex or base64) or as raw bytes (application/octet-stream); any other content type is refused
/// with 415. Neither of the two is one a web page can post across sites without the node's consent
/// (a CORS preflight, which the node never grants), so a page in a browser on the LAN cannot submit.
/// </summary>
internal static class TxEndpoints
{
    public static readonly ApiTagDescription Tag = new("transactions", "Submitting signed transactions, one or a batch, and asking after them.");

    public static void Map(WebApplication app, PolisNode node)
    {
        app.MapPost("/v1/txs", (Delegate)((HttpContext context) => Submit(node, context)))
            .Describe("submitTx", Tag, "Submit a transaction",
                "A signed transaction as JSON {\"tx\": \"<hex or base64>\"} (hex when it is hex) or as its bytes (application/octet-stream); other content types get 415. 202 when it is in the mempool (or already committed): follow it with GET /v1/txs/{hash}.")
            .TakesJson<SubmitRequest>("{\"tx\": \"<hex or base64>\"}: the transaction's canonical bytes.").TakesBytes("application/octet-stream", "The transaction's canonical bytes.")
            .Answers<SubmitResponse>(StatusCodes.Status202Accepted)
            .Errors(StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/v1/txs/{hash}", (string hash) => Find(node, hash))
            .Describe("tx", Tag, "Find a transaction", "Committed (with its height, position and result) or pending in this node's mempool.")
            .Answers<TxStatusResponse>().Errors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> Submit(PolisNode node, HttpContext context)
    {
        if (!IsAccepted(context.Request.ContentType))
        {
            node.Metrics.Rejected.WithLabels("api", "ContentType").Inc();
            return Results.Json(new ApiError(UnsupportedType), statusCode: StatusCodes.Status415UnsupportedMediaType);
        }
        var (bytes, error) = await ReadTransactionBytes(context.Request);
        if (bytes is null)
        {
            node.Metrics.Rejected.WithLabels("api", "Malformed").Inc();
            return error == TooLarge ? Results.Json(new ApiError(error), statusCode: StatusCodes.Status413PayloadTooLarge) : ApiResults.BadRequest(error);
        }
        if (!Transaction.TryDecode(bytes, out var tx, out string decodeError))
        {
            node.Metrics.Rejected.WithLabels("api", "Malformed").Inc();
            return ApiResults.BadRequest($"transaction does not decode: {decodeError}");
        }
        // Resubmitting a committed transaction is answered like the first submission: clients retry.
        if (node.Blocks.FindTransaction(tx!.Hash) is not null) return Results.Json(new SubmitResponse(tx.Hash.ToString()), statusCode: StatusCodes.Status202Accepted);
        var admitting = node.SubmitAsync([tx!]);
        if (admitting is null) return Results.Json(new ApiError("the node is busy admitting transactions; retry shortly"), statusCode: StatusCodes.Status503ServiceUnavailable);
        var admission = (await admitting)[0];
        return admission.Code switch
        {
            AdmissionCode.Accepted or AdmissionCode.Duplicate => Results.Json(new SubmitResponse(tx!.Hash.ToString()), statusCode: StatusCodes.Status202Accepted),
            AdmissionCode.Full or AdmissionCode.SenderFull => Results.Json(new ApiError(admission.Reason), statusCode: StatusCodes.Status503ServiceUnavailable),
            _ => ApiResults.BadRequest($"{Describe(admission.Code)}: {admission.Reason}"),
        };
    }

    private static string Describe(AdmissionCode code) => code switch
    {
        AdmissionCode.WrongChain => "wrong chain",
        AdmissionCode.BadSignature => "bad signature",
        AdmissionCode.NonceUsed => "nonce already used",
        AdmissionCode.NonceGap => "nonce gap",
        AdmissionCode.SenderFull => "too many pending transactions from this sender",
        AdmissionCode.NoncePending => "nonce already pending",
        AdmissionCode.InsufficientFunds => "insufficient funds",
        AdmissionCode.UnknownModule => "unknown module",
        AdmissionCode.BodyTooLarge => "body too large",
        _ => code.ToString(),
    };

    private const string TooLarge = "request body too large";
    internal const string UnsupportedType = "Content-Type must be application/json ({\"tx\": \"<hex or base64>\"}) or application/octet-stream (the transaction's bytes)";

    private static string? MediaType(string? contentType) => contentType?.Split(';')[0].Trim().ToLowerInvariant();

    private static bool IsAccepted(string? contentType) => MediaType(contentType) is "application/json" or "application/octet-stream";

    private static async Task<(byte[]? Bytes, string Error)> ReadTransactionBytes(HttpRequest request)
    {
        if (request.ContentLength is > ApiServer.RequestBodyBytesMax) return (null, TooLarge);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        if (buffer.Length == 0) return (null, "empty request body: send {\"tx\": \"<hex or base64>\"}");
        if (buffer.Length > ApiServer.RequestBodyBytesMax) return (null, TooLarge);
        var body = buffer.ToArray();
        if (MediaType(request.ContentType) == "application/octet-stream") return (body, "");
        string text;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("tx", out var txElement) || txElement.ValueKind != JsonValueKind.String)
                return (null, "JSON body must be {\"tx\": \"<hex or base64>\"}");
            text = txElement.GetString()!;
        }
        catch (JsonException e)
        {
            return (null, $"body is not valid JSON: {e.Message}");
        }
        return TextToBytes(text);
    }

    /// <summary>Hex when it is hex (even length, hex digits only), else base64.</summary>
    internal static (byte[]? Bytes, string Error) TextToBytes(string text)
    {
        if (text.Length == 0) return (null, "empty transaction");
        if (text.Length % 2 == 0 && text.All(Uri.IsHexDigit)) return (Convert.FromHexString(text), "");
        var bytes = new byte[text.Length * 3 / 4 + 3];
        return Convert.TryFromBase64String(text, bytes, out int written) ? (bytes[..written], "") : (null, "transaction is neither hex nor base64");
    }

    private static IResult Find(PolisNode node, string text)
    {
        if (!Hash32.TryParse(text, out var hash)) return ApiResults.BadRequest($"'{ApiResults.Truncate(text)}' is not a 64-digit hex hash");
        var location = node.Blocks.FindTransaction(hash);
        if (location is not null)
            return Results.Ok(new TxStatusResponse(hash.ToString(), "committed", location.Height, location.Position, location.Code.Name, location.Message));
        if (node.Mempool.Contains(hash)) return Results.Ok(new TxStatusResponse(hash.ToString(), "pending", null, null, null, null));
        return ApiResults.NotFound($"transaction {hash} is neither pending nor committed");
    }
}
