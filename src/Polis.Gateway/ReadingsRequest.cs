using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Polis.Modules.Devices;

namespace Polis.Gateway;

/// <summary>
/// The bodies <c>POST /v1/readings</c> takes: one reading as <c>application/octet-stream</c>; many as
/// <c>application/x-polis-readings</c> (u32 count, then per reading a u32 length and its bytes, all
/// big-endian) or as JSON <c>{"readings": ["hex", …]}</c>. Every count and length is checked before
/// anything is allocated for it. The body is read into pooled buffers that grow with the bytes that
/// actually arrive, never with the length a client claims: a thousand requests announcing 10 MB and
/// sending nothing cost a small buffer each (and the endpoint caps how many run at once).
/// </summary>
public static class ReadingsRequest
{
    public const string BatchContentType = "application/x-polis-readings";
    /// <summary>Largest body taken: a full batch in JSON hex (twice the bytes) plus slack.</summary>
    public const long BodyBytesMax = GatewayLimits.HttpBodyBytesMax;

    /// <summary>The first buffer of a body: what a small batch needs; the buffer doubles only as bytes arrive.</summary>
    private const int FirstBufferBytes = 16 * 1024;

    /// <summary>
    /// What the request carries: readings (slices of the body), whether it was a single one, or an
    /// error for a 4xx. Disposing it returns the body's pooled buffer: do it once the readings have
    /// been decoded (the pipeline copies what it keeps).
    /// </summary>
    public sealed record Parsed(List<ReadOnlyMemory<byte>>? Readings, bool Single, int Status, string Error) : IDisposable
    {
        internal byte[]? Pooled { get; init; }

        public void Dispose()
        {
            if (Pooled is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static async Task<Parsed> ReadAsync(HttpRequest request, CancellationToken cancel)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = BodyBytesMax;
        if (request.ContentLength is > BodyBytesMax) return Error(StatusCodes.Status413PayloadTooLarge, $"request body exceeds {BodyBytesMax} bytes");
        string? type = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (type is not ("application/octet-stream" or BatchContentType or "application/json"))
            return Error(StatusCodes.Status415UnsupportedMediaType, $"send one reading as application/octet-stream, many as {BatchContentType} or application/json {{\"readings\": [\"hex\", …]}}");
        var (buffer, length) = await ReadBodyAsync(request.Body, request.ContentLength, cancel);
        if (buffer is null) return Error(StatusCodes.Status413PayloadTooLarge, $"request body exceeds {BodyBytesMax} bytes");
        var body = new ReadOnlyMemory<byte>(buffer, 0, length);
        Parsed parsed = length == 0 ? Error(StatusCodes.Status400BadRequest, "empty request body") : type switch
        {
            "application/octet-stream" => new Parsed([body], true, 0, ""),
            BatchContentType => ParseBinary(body),
            _ => ParseJson(body),
        };
        return parsed with { Pooled = buffer };
    }

    /// <summary>
    /// Reads the whole body into a pooled buffer that starts small and doubles as bytes arrive, up
    /// to <see cref="BodyBytesMax"/>; (null, 0) when the body is larger (its buffer already returned).
    /// </summary>
    private static async Task<(byte[]? Buffer, int Length)> ReadBodyAsync(Stream body, long? claimed, CancellationToken cancel)
    {
        var pool = ArrayPool<byte>.Shared;
        var buffer = pool.Rent((int)Math.Clamp(claimed ?? FirstBufferBytes, 1, FirstBufferBytes));
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var bigger = pool.Rent((int)Math.Min(2L * buffer.Length, BodyBytesMax + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    pool.Return(buffer);
                    buffer = bigger;
                }
                // Never more than one byte past the limit, whatever size the pool handed out.
                int room = (int)Math.Min(buffer.Length - length, BodyBytesMax + 1 - length);
                int read = await body.ReadAsync(buffer.AsMemory(length, room), cancel);
                if (read == 0) return (buffer, length);
                length += read;
                if (length > BodyBytesMax) break;
            }
        }
        catch
        {
            pool.Return(buffer);
            throw;
        }
        pool.Return(buffer);
        return (null, 0);
    }

    /// <summary>u32 count, then count × (u32 length, bytes); nothing may follow. The readings are slices of <paramref name="body"/>.</summary>
    public static Parsed ParseBinary(ReadOnlyMemory<byte> body)
    {
        var span = body.Span;
        if (span.Length < 4) return Error(StatusCodes.Status400BadRequest, "batch body too short for its count");
        uint count = BinaryPrimitives.ReadUInt32BigEndian(span);
        if (count == 0 || count > GatewayLimits.SubmissionReadingsMax) return Error(StatusCodes.Status400BadRequest, $"a batch holds 1 to {GatewayLimits.SubmissionReadingsMax} readings, not {count}");
        if (count > (uint)(span.Length - 4) / 4) return Error(StatusCodes.Status400BadRequest, $"batch of {count} readings is longer than the body");
        var readings = new List<ReadOnlyMemory<byte>>((int)count);
        int at = 4;
        for (int i = 0; i < count; i++)
        {
            if (span.Length - at < 4) return Error(StatusCodes.Status400BadRequest, $"batch ends before reading {i}");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(span[at..]);
            at += 4;
            if (length > (uint)(span.Length - at)) return Error(StatusCodes.Status400BadRequest, $"reading {i} is longer than the rest of the body");
            readings.Add(body.Slice(at, (int)length));
            at += (int)length;
        }
        if (at != span.Length) return Error(StatusCodes.Status400BadRequest, $"{span.Length - at} bytes follow the last reading");
        return new Parsed(readings, false, 0, "");
    }

    private static Parsed ParseJson(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("readings", out var array) || array.ValueKind != JsonValueKind.Array)
                return Error(StatusCodes.Status400BadRequest, "JSON body must be {\"readings\": [\"hex\", …]}");
            int count = array.GetArrayLength();
            if (count == 0 || count > GatewayLimits.SubmissionReadingsMax) return Error(StatusCodes.Status400BadRequest, $"a batch holds 1 to {GatewayLimits.SubmissionReadingsMax} readings, not {count}");
            var readings = new List<ReadOnlyMemory<byte>>(count);
            int i = 0;
            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String) return Error(StatusCodes.Status400BadRequest, $"readings[{i}] is not a string");
                string hex = item.GetString()!;
                // An over-long item becomes a per-reading "malformed" without decoding all of it.
                if (hex.Length > 2 * (Reading.EncodedBytesMax + 1)) hex = hex[..(2 * (Reading.EncodedBytesMax + 1))];
                if (hex.Length % 2 != 0 || !IsHex(hex)) return Error(StatusCodes.Status400BadRequest, $"readings[{i}] is not hex");
                readings.Add(Convert.FromHexString(hex));
                i++;
            }
            return new Parsed(readings, false, 0, "");
        }
        catch (JsonException e)
        {
            return Error(StatusCodes.Status400BadRequest, $"body is not valid JSON: {e.Message}");
        }
    }

    private static bool IsHex(string s)
    {
        foreach (char c in s) if (!char.IsAsciiHexDigit(c)) return false;
        return true;
    }

    /// <summary>A batch body for <see cref="BatchContentType"/> (for clients, simulators and tests).</summary>
    public static byte[] EncodeBatch(IReadOnlyList<byte[]> readings)
    {
        int size = 4;
        foreach (var r in readings) size += 4 + r.Length;
        var body = new byte[size];
        BinaryPrimitives.WriteUInt32BigEndian(body, (uint)readings.Count);
        int at = 4;
        foreach (var r in readings)
        {
            BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(at), (uint)r.Length);
            r.CopyTo(body, at + 4);
            at += 4 + r.Length;
        }
        return body;
    }

    private static Parsed Error(int status, string message) => new(null, false, status, message);
}
