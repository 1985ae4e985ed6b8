using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Polis.Modules.Devices;
using Polis.Client.Api;
using Polis.Modules.Http;

namespace Polis.Gateway;

/// <summary>
/// The gateway's HTTP endpoints, the same in a node (mapped on the node's API when the gateway is
/// enabled) and standalone: <c>POST /v1/readings</c>, <c>GET /v1/readings/{deviceId}</c>,
/// <c>GET /v1/readings/{deviceId}/{seq}/proof</c>.
/// </summary>
public static class GatewayEndpoints
{
    public static readonly ApiTagDescription Tag = new("gateway", "A gateway's intake of devices' signed readings, its recent readings per device, and each reading's self-contained proof for offline checking.");

    public static void Map(WebApplication app, GatewayService gateway)
    {
        app.MapGet("/v1/gateway", () => Results.Ok(Status(gateway)))
            .Describe("gatewayStatus", Tag, "The gateway's status", "Its id, chain, anchoring account, readings accepted and not yet sealed, batches made and anchored, and its MQTT endpoint.")
            .Answers<GatewayStatusResponse>();
        app.MapPost("/v1/readings", (Delegate)((HttpContext context) => Submit(gateway, context)))
            .Describe("submitReadings", Tag, "Submit signed readings",
                "One reading as application/octet-stream, many as application/x-polis-readings (u32 count, then per reading u32 length and bytes) or JSON {\"readings\": [\"<hex>\", …]}. Each is accepted or refused with its reason; accepted ones are anchored on chain in the next batch. A single reading that is refused answers 422 (or 503 when the refusal is transient) with its reason in the error. 16 submissions at once, 4 per client; the body must arrive within 30 s.")
            .TakesJson<ReadingsSubmitRequest>("{\"readings\": [\"<hex>\", …]}: each reading's canonical bytes.")
            .TakesBytes("application/octet-stream", "One signed reading's canonical bytes.")
            .TakesBytes(ReadingsRequest.BatchContentType, "u32 count, then per reading a u32 length and its bytes (big-endian).")
            .Answers<ReadingsSubmitResponse>()
            .Errors(StatusCodes.Status400BadRequest, StatusCodes.Status408RequestTimeout, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType,
                StatusCodes.Status422UnprocessableEntity, StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/v1/readings/{deviceId}", (string deviceId, string? limit) => Recent(gateway, deviceId, limit))
            .Describe("deviceReadings", Tag, "A device's recent readings", "The newest readings this gateway accepted from the device (at most `limit`, default 100), each pending, sealed or anchored with its batch and block. Rate-limited per address.")
            .Answers<DeviceReadingsResponse>().Errors(StatusCodes.Status400BadRequest, StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(ApiApp.CostlyPolicy);
        app.MapGet("/v1/readings/{deviceId}/{seq}/proof", (string deviceId, string seq, string? format, HttpContext context) => Proof(gateway, deviceId, seq, format, context))
            .Describe("readingProof", Tag, "A reading's proof",
                "The self-contained proof of an anchored reading (application/octet-stream; `polis verify reading` checks it from the genesis alone), or with ?format=json a summary and the proof in hex. 404 with a reason (unknown-reading, not-sealed, not-anchored) when there is none yet. Rate-limited per address.")
            .Answers<ReadingProofSummary>().AlsoAnswersBytes("application/octet-stream", "The proof document (the default; ?format=json gives the summary).")
            .Errors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests, StatusCodes.Status502BadGateway)
            .RequireRateLimiting(ApiApp.CostlyPolicy);
    }

    private static GatewayStatusResponse Status(GatewayService gateway)
    {
        var store = gateway.Store;
        string? mqtt = gateway.Config.MqttBroker is { } broker ? $"mqtt://{broker} (external)" : gateway.MqttEndpoint is { } ep ? $"mqtt://{ep}" : null;
        return new GatewayStatusResponse(gateway.Config.Id, gateway.ChainId, gateway.Account.ToString(), store.NextOrder, store.NextOrder - store.SealedOrder,
            store.NextBatch, store.AnchoredBatches, mqtt);
    }

    private static async Task<IResult> Submit(GatewayService gateway, HttpContext context)
    {
        // A bounded number at once, a few per client, each holding at most one body and only for a
        // bounded time: a crowd of slow uploads waits at the door, not in memory.
        if (!gateway.HttpSubmissions.TryTake(context.Connection.RemoteIpAddress, out var client))
        {
            return Results.Json(new ApiError($"too many submissions are in progress ({GatewayLimits.HttpSubmissionsMax} in all, {GatewayLimits.HttpSubmissionsPerAddressMax} per client); retry shortly"),
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        try
        {
            ReadingsRequest.Parsed parsed;
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted))
            {
                deadline.CancelAfter(GatewayLimits.HttpBodyReadTimeout);
                try
                {
                    parsed = await ReadingsRequest.ReadAsync(context.Request, deadline.Token);
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
                {
                    return Results.Json(new ApiError($"the body did not arrive within {GatewayLimits.HttpBodyReadTimeout.TotalSeconds:0} s"), statusCode: StatusCodes.Status408RequestTimeout);
                }
            }
            using (parsed) return await SubmitParsed(gateway, context, parsed);
        }
        finally
        {
            gateway.HttpSubmissions.Release(client);
        }
    }

    private static async Task<IResult> SubmitParsed(GatewayService gateway, HttpContext context, ReadingsRequest.Parsed parsed)
    {
        if (parsed.Readings is null)
        {
            gateway.Pipeline.Reject(ReadingOutcome.Malformed(parsed.Error));
            return Results.Json(new ApiError(parsed.Error), statusCode: parsed.Status);
        }
        if (parsed.Single)
        {
            var outcome = await gateway.Pipeline.SubmitAsync(parsed.Readings[0], null, context.RequestAborted);
            int status = outcome.IsStored ? StatusCodes.Status200OK
                : outcome.Reason.IsTransient() ? StatusCodes.Status503ServiceUnavailable
                : StatusCodes.Status422UnprocessableEntity;
            // A refused reading is an error like any other (one error shape for every 4xx and 5xx), its reason beside the message.
            if (!outcome.IsStored) return Results.Json(new ApiError(outcome.Message) { Reason = outcome.Reason.Name() }, statusCode: status);
            return Results.Json(new ReadingsSubmitResponse(1, 0, [outcome.ToResponse(0)]), statusCode: status);
        }
        var outcomes = await gateway.Pipeline.SubmitManyAsync(parsed.Readings, context.RequestAborted);
        var results = new ReadingResultResponse[outcomes.Length];
        int accepted = 0;
        for (int i = 0; i < outcomes.Length; i++)
        {
            results[i] = outcomes[i].ToResponse(i);
            if (outcomes[i].IsStored) accepted++;
        }
        return Results.Ok(new ReadingsSubmitResponse(accepted, outcomes.Length - accepted, results));
    }

    private static IResult Recent(GatewayService gateway, string id, string? limitText)
    {
        if (!EntityId.IsValid(id, out string error)) return BadRequest($"device id: {error}");
        int limit = 100;
        if (limitText is not null && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > GatewayLimits.RecentReadingsPageMax))
            return BadRequest($"limit must be 1..{GatewayLimits.RecentReadingsPageMax}");
        var store = gateway.Store;
        var list = new List<DeviceReadingResponse>();
        BatchRecord? batch = null;
        foreach (var (sequence, order) in store.Recent(id, limit))
        {
            var bytes = store.ReadingAt(order) ?? throw new InvalidDataException($"gateway store: reading at order {order} is missing");
            var r = Reading.Decode(bytes);
            if (batch is null || !batch.Contains(order)) batch = store.BatchContaining(order);
            string status = batch is null ? "pending" : batch.Status == BatchStatus.Anchored ? "anchored" : "sealed";
            list.Add(new DeviceReadingResponse(sequence, r.TimeMs, r.Metric, r.Unit, r.Values, r.PayloadHash?.ToString(), status, batch?.Number,
                batch is { Status: BatchStatus.Anchored } ? batch.Height : null, r.LeafHash.ToString()));
        }
        return Results.Ok(new DeviceReadingsResponse(id, list));
    }

    private static async Task<IResult> Proof(GatewayService gateway, string deviceId, string seqText, string? format, HttpContext context)
    {
        if (!EntityId.IsValid(deviceId, out string error)) return BadRequest($"device id: {error}");
        if (!ulong.TryParse(seqText, NumberStyles.None, CultureInfo.InvariantCulture, out ulong sequence)) return BadRequest($"sequence '{Truncate(seqText)}' is not a number");
        if (format is not (null or "binary" or "json")) return BadRequest("format must be binary or json");
        try
        {
            var (proof, batch, unavailable) = await gateway.Proofs.BuildAsync(deviceId, sequence, context.RequestAborted);
            if (proof is null) return Results.Json(new ApiError(unavailable!.Message) { Reason = unavailable.Reason }, statusCode: StatusCodes.Status404NotFound);
            var bytes = proof.ToBytes();
            if (format != "json") return Results.Bytes(bytes, "application/octet-stream", $"reading-{deviceId}-{sequence}.proof");
            var commit = Polis.Core.Ledger.Commit.Decode(proof.Commit);
            return Results.Ok(new ReadingProofSummary(deviceId, sequence, gateway.Config.Id, batch!.Number, batch.Root.ToString(), proof.BatchPath.Index,
                proof.BatchPath.LeafCount, proof.Header.Height, proof.Header.Id.ToString(), Polis.Core.Crypto.Sha256.Hash(proof.AnchorTx).ToString(),
                commit.Signatures.Count, bytes.Length, Convert.ToHexStringLower(bytes)));
        }
        catch (NodeApiException)
        {
            // The node's error names its internal address: the client is told what failed, not where.
            return Results.Json(new ApiError("the chain's parts of the proof are not available from the node now; retry later") { Reason = "node-unavailable" }, statusCode: StatusCodes.Status502BadGateway);
        }
    }

    private static IResult BadRequest(string message) => Results.Json(new ApiError(message), statusCode: StatusCodes.Status400BadRequest);

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
