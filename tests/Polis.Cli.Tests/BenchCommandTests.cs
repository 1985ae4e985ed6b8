namespace Polis.Cli.Tests;

/// <summary>Small runs of the benchmarks, so the commands cannot silently break (figures are not asserted).</summary>
public sealed class BenchCommandTests
{
    [Fact]
    public void A_small_transfers_benchmark_commits_everything_exactly_once_with_agreeing_state_roots()
    {
        string results = Path.Combine(Path.GetTempPath(), $"polis-bench-results-{Guid.NewGuid():N}");
        try
        {
            var (code, output, error) = PolisProcess.Run(TimeSpan.FromMinutes(3), "bench", "transfers", "--validators", "4", "--txs", "400", "--accounts", "40",
                "--warmup", "200", "--base-port", "22000", "--results", results);
            Assert.True(code == 0, output + error);
            Assert.Contains("every transfer committed exactly once", output);
            Assert.Contains("efficiency", output);
            Assert.Contains("after a warm-up of 200", System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " "));
            var file = Assert.Single(Directory.GetFiles(results, "transfers-*.json"));
            Assert.Contains("\"exactlyOnce\": true", File.ReadAllText(file).Replace("\"ExactlyOnce\"", "\"exactlyOnce\""));
        }
        finally
        {
            try { Directory.Delete(results, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public void A_small_sync_benchmark_catches_up_and_agrees_with_the_validators()
    {
        string results = Path.Combine(Path.GetTempPath(), $"polis-bench-results-{Guid.NewGuid():N}");
        try
        {
            var (code, output, error) = PolisProcess.Run(TimeSpan.FromMinutes(4), "bench", "sync", "--blocks", "60", "--block-txs", "20", "--accounts", "40",
                "--live-txs", "200", "--base-port", "22400", "--results", results);
            Assert.True(code == 0, output + error);
            // The console wraps long lines: compare with runs of whitespace as one space.
            Assert.Contains("agrees with the validators on the last block and its state root", System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " "));
            var file = Assert.Single(Directory.GetFiles(results, "sync-*.json"));
            Assert.Contains("\"Agrees\": true", File.ReadAllText(file));
            // The catching-up node's own counter: every transfer's signature was checked there, not taken on trust.
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
            Assert.True(json.RootElement.GetProperty("result").GetProperty("SignatureChecksPerTx").GetDouble() >= 1.0, File.ReadAllText(file));
        }
        finally
        {
            try { Directory.Delete(results, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public void A_small_ingest_benchmark_anchors_every_reading_over_all_three_paths()
    {
        string results = Path.Combine(Path.GetTempPath(), $"polis-bench-results-{Guid.NewGuid():N}");
        try
        {
            var (code, output, error) = PolisProcess.Run(TimeSpan.FromMinutes(3), "bench", "ingest", "--readings", "1200", "--devices", "20", "--warmup", "0",
                "--base-port", "22600", "--results", results);
            Assert.True(code == 0, output + error);
            Assert.Contains("every reading accepted and anchored", output);
            var file = Assert.Single(Directory.GetFiles(results, "ingest-*.json"));
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
            var paths = json.RootElement.GetProperty("result").GetProperty("Paths").EnumerateArray().ToList();
            Assert.Equal(3, paths.Count);
            Assert.All(paths, p => Assert.Equal(400, p.GetProperty("Accepted").GetInt32()));
        }
        finally
        {
            try { Directory.Delete(results, recursive: true); } catch (IOException) { }
        }
    }
}
