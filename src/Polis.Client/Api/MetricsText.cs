using System.Globalization;

namespace Polis.Client.Api;

/// <summary>
/// Reads samples out of a node's <c>/metrics</c> page (Prometheus text format 0.0.4): enough for
/// tools and tests to total a counter, not a general parser.
/// </summary>
public static class MetricsText
{
    /// <summary>
    /// Sum of the samples of <paramref name="metric"/> whose labels include every one of
    /// <paramref name="labels"/> (as <c>name="value"</c>); 0 when the page has none.
    /// </summary>
    public static double Sum(string page, string metric, params string[] labels)
    {
        double total = 0;
        foreach (var raw in page.AsSpan().EnumerateLines())
        {
            var line = raw.Trim();
            if (line.IsEmpty || line[0] == '#' || !line.StartsWith(metric, StringComparison.Ordinal)) continue;
            var rest = line[metric.Length..];
            if (rest.IsEmpty || (rest[0] != ' ' && rest[0] != '{')) continue; // another metric sharing the prefix
            var labelText = ReadOnlySpan<char>.Empty;
            if (rest[0] == '{')
            {
                int close = rest.IndexOf('}');
                if (close < 0) continue;
                labelText = rest[1..close];
                rest = rest[(close + 1)..];
            }
            bool matches = true;
            foreach (var label in labels) matches &= labelText.IndexOf(label, StringComparison.Ordinal) >= 0;
            if (!matches) continue;
            var value = rest.Trim();
            int space = value.IndexOf(' ');
            if (space >= 0) value = value[..space]; // a timestamp follows
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) total += v;
        }
        return total;
    }
}
