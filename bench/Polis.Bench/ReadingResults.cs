using System.Text.Json;

namespace Polis.Bench;

/// <summary>Reads a gateway's answer to <c>POST /v1/readings</c>: how many readings it accepted and refused, and the first refusal's reason.</summary>
internal static class ReadingResults
{
    public static (int Accepted, int Refused, string FirstRefusal) Count(bool success, string body, int sent)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (!success || root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("accepted", out var accepted))
                return (0, sent, root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e) ? e.GetString() ?? "error" : body);
            int refused = root.GetProperty("rejected").GetInt32();
            string first = "";
            if (root.TryGetProperty("results", out var results))
                foreach (var r in results.EnumerateArray())
                {
                    string reason = r.GetProperty("reason").GetString() ?? "";
                    if (reason is "accepted" or "duplicate") continue;
                    first = $"{reason}: {r.GetProperty("message").GetString()}";
                    break;
                }
            return (accepted.GetInt32(), refused, first);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (0, sent, $"unreadable answer: {e.Message}");
        }
    }
}
