using Polis.Client.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Polis.Core.Encoding;
using Polis.Core.Ledger;
using Polis.Node.Mempool;
using Polis.Modules.Http;

namespace Polis.Node.Api;

/// <summary>
/// <c>POST /v1/txs/batch</c>: many signed transactions in one request (application/octet-stream:
/// u32 count, then each transaction as u32 length + bytes, the canonical codec). For clients that
/// submit at volume (gateways, the benchmark): one request instead of thousands. Each transaction is
/// admitted on its own, in order; the answer lists the ones refused, with their reasons. Once one is
/// refused for lack of room (the pool or its sender's queue is full, or the node is busy admitting)
/// the rest of the batch is not tried and counts under <c>mempoolFull</c> too: a batch carries runs
/// of nonces, and admitting a later one into room freed meanwhile would only refuse it for the gap.
/// The client resends the batch (what was admitted answers as accepted again).
/// </summary>
public static class TxBatchEndpoint
{
    public const int TxsMax = 2_000;
    private const long BodyBytesMax = 8L * 1024 * 1024;

    public sealed record Refusal(int Index, string Code, string Error);
    public sealed record BatchResponse(int Accepted, int MempoolFull, IReadOnlyList<Refusal> Refused);

    public static void Map(WebApplication app, PolisNode node)
    {
        app.MapPost("/v1/txs/batch", (Delegate)(async (HttpContext context) =>
        {
            if (context.Request.ContentType?.Split(';')[0].Trim().Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase) != true)
            {
                node.Metrics.Rejected.WithLabels("api", "ContentType").Inc();
                return Results.Json(new ApiError("Content-Type must be application/octet-stream (u32 count, then each transaction as u32 length and bytes)"),
                    statusCode: StatusCodes.Status415UnsupportedMediaType);
            }
            var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (limit is { IsReadOnly: false }) limit.MaxRequestBodySize = BodyBytesMax;
            if (context.Request.ContentLength is > BodyBytesMax)
                return Results.Json(new ApiError($"batch larger than {BodyBytesMax} bytes"), statusCode: StatusCodes.Status413PayloadTooLarge);
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            Transaction[] txs;
            try
            {
                var r = new CanonicalReader(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
                int n = r.ReadCount(TxsMax, 4, "transactions");
                txs = new Transaction[n];
                for (int i = 0; i < n; i++) txs[i] = Transaction.Decode(ref r);
                r.End("batch");
            }
            catch (CodecException e)
            {
                node.Metrics.Rejected.WithLabels("api", "Malformed").Inc();
                return ApiResults.BadRequest($"batch does not decode: {e.Message}");
            }
            int accepted = 0, full = 0;
            var refused = new List<Refusal>();
            var admitting = node.SubmitAsync(txs);
            if (admitting is null) return Results.Ok(new BatchResponse(0, txs.Length, refused)); // busy admitting: the client backs off and resends
            var admissions = await admitting;
            for (int i = 0; i < txs.Length; i++)
            {
                var admission = admissions[i];
                if (admission.Accepted || admission.Code == AdmissionCode.Duplicate) accepted++;
                else if (admission.Code is AdmissionCode.Full or AdmissionCode.SenderFull) full++;
                else refused.Add(new Refusal(i, admission.Code.ToString(), admission.Reason));
            }
            return Results.Ok(new BatchResponse(accepted, full, refused));
        })).Describe("submitTxBatch", TxEndpoints.Tag, "Submit a batch of transactions",
                "Up to 2,000 signed transactions in one body (application/octet-stream: u32 count, then each transaction as u32 length and bytes). Each is accepted, refused with its reason, or counted as not taken because the mempool is full: resend those (what was accepted answers as accepted again).")
            .TakesBytes("application/octet-stream", "u32 count, then each transaction as u32 length and its canonical bytes (big-endian).")
            .Answers<BatchResponse>()
            .Errors(StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
    }

    /// <summary>Encodes a batch body (for clients).</summary>
    public static byte[] Encode(IReadOnlyList<Transaction> txs)
    {
        var w = new CanonicalWriter(8 + txs.Sum(t => t.Encoded.Length + 4));
        w.WriteCount(txs.Count);
        foreach (var tx in txs) tx.Encode(w);
        return w.ToArray();
    }
}
