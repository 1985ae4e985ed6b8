using System.Text.Json;
using System.Text.RegularExpressions;

namespace Polis.Cli.Tests;

/// <summary>Small runs of the benchmarks, so the commands cannot silently break (figures are not asserted).</summary>
public sealed class BenchCommandTests
{
    /// <summary>
    /// Runs `polis bench KIND ARGS` with a results directory of its own, requires exit 0 and one result
    /// file, and returns the console output (runs of whitespace as one space: the console wraps long
    /// lines) and the file's text.
    /// </summary>
    private static (string Output, string Json) RunBench(TimeSpan timeout, string kind, params string[] args)
    {
        string results = Path.Combine(Path.GetTempPath(), $"polis-bench-results-{Guid.NewGuid():N}");
        try
        {
            var (code, output, error) = PolisProcess.Run(timeout, ["bench", kind, .. args, "--results", results]);
            Assert.True(code == 0, output + error);
            var file = Assert.Single(Directory.GetFiles(results, $"{kind}-*.json"));
            return (Regex.Replace(output, @"\s+", " "), File.ReadAllText(file));
        }
        finally
        {
            try { Directory.Delete(results, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public void A_small_transfers_benchmark_commits_everything_exactly_once_with_agreeing_state_roots()
    {
        var (output, json) = RunBench(TimeSpan.FromMinutes(3), "transfers", "--validators", "4", "--txs", "400", "--accounts", "40",
            "--warmup", "200", "--base-port", "22000");
        Assert.Contains("every transfer committed exactly once", output);
        Assert.Contains("efficiency", output);
        Assert.Contains("after a warm-up of 200", output);
        Assert.Contains("\"exactlyOnce\": true", json.Replace("\"ExactlyOnce\"", "\"exactlyOnce\""));
    }

    [Fact]
    public void A_small_sync_benchmark_catches_up_and_agrees_with_the_validators()
    {
        var (output, json) = RunBench(TimeSpan.FromMinutes(4), "sync", "--blocks", "60", "--block-txs", "20", "--accounts", "40",
            "--live-txs", "200", "--base-port", "22400");
        Assert.Contains("agrees with the validators on the last block and its state root", output);
        Assert.Contains("\"Agrees\": true", json);
        // The catching-up node's own counter: every transfer's signature was checked there, not taken on trust.
        using var document = JsonDocument.Parse(json);
        var result = document.RootElement.GetProperty("result");
        double checks = result.GetProperty("SignatureChecksPerTx").GetDouble();
        Assert.True(checks >= 1.0, json);
        // The shares of the machine's checking capacity explain the multiple exactly, and a node that
        // checks every signature cannot catch up faster than all cores checking and nothing else.
        double multiple = result.GetProperty("TpsMultiple").GetDouble();
        double explained = 4 * result.GetProperty("SyncShareOfChecking").GetDouble() / (result.GetProperty("LiveShareOfChecking").GetDouble() * checks);
        Assert.Equal(multiple, explained, 6);
        Assert.True(result.GetProperty("CheckOnlyMultiple").GetDouble() > multiple, json);
    }

    [Fact]
    public void A_small_ingest_benchmark_anchors_every_reading_over_all_three_paths()
    {
        var (output, json) = RunBench(TimeSpan.FromMinutes(3), "ingest", "--readings", "1200", "--devices", "20", "--warmup", "0", "--base-port", "22600");
        Assert.Contains("every reading accepted and anchored", output);
        using var document = JsonDocument.Parse(json);
        var paths = document.RootElement.GetProperty("result").GetProperty("Paths").EnumerateArray().ToList();
        Assert.Equal(3, paths.Count);
        Assert.All(paths, p => Assert.Equal(400, p.GetProperty("Accepted").GetInt32()));
    }
}
