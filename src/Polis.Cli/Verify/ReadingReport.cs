using System.Globalization;
using Polis.Client.Light;
using Polis.Modules.Devices;

namespace Polis.Cli.Verify;

/// <summary>The verified facts of a reading as `polis verify reading` prints them: one fact per line, times in ISO-8601 UTC.</summary>
internal static class ReadingReport
{
    public static IEnumerable<string> Lines(VerifiedReading r, string chainId)
    {
        yield return $"reading verified on chain {chainId}";
        yield return $"device    {r.DeviceId} (owner {r.DeviceOwner}, key {r.DeviceKeyIndex}: {r.DeviceKey})";
        yield return $"sequence  {r.Sequence}";
        yield return $"time      {Time(r.TimeMs)}";
        yield return $"metric    {r.Metric}";
        if (r.Values.Count > 0)
            yield return $"value     {string.Join(", ", r.Values.Select(v => v.ToString(CultureInfo.InvariantCulture)))}{(r.Unit.Length > 0 ? " " + r.Unit : "")}";
        if (r.PayloadHash is { } payload) yield return $"payload   sha256 {payload}";
        yield return $"gateway   {r.GatewayId}, batch {r.Batch} (reading {r.BatchIndex + 1} of {r.BatchSize})";
        yield return $"block     {r.BlockHeight} at {Time(r.BlockTimeMs)} (id {r.BlockId})";
    }

    /// <summary>ISO-8601 UTC with milliseconds; a device may sign any 64-bit time, so out-of-range ones are shown raw.</summary>
    public static string Time(long unixMs)
    {
        if (unixMs < -62_135_596_800_000 || unixMs > 253_402_300_799_999) return $"{unixMs} ms since 1970 (outside the calendar)";
        return DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }
}
