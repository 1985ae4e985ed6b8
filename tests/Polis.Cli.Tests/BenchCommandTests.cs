namespace Polis.Cli.Tests;

/// <summary>A small run of the network benchmark, so the command cannot silently break (figures are not asserted).</summary>
public sealed class BenchCommandTests
{
    [Fact]
    public void A_small_transfers_benchmark_commits_everything_exactly_once_with_agreeing_state_roots()
    {
        string results = Path.Combine(Path.GetTempPath(), $"polis-bench-results-{Guid.NewGuid():N}");
        try
        {
            var (code, output, error) = PolisProcess.Run(TimeSpan.FromMinutes(3), "bench", "transfers", "--validators", "4", "--txs", "400", "--accounts", "40",
                "--base-port", "22000", "--results", results);
            Assert.True(code == 0, output + error);
            Assert.Contains("every transfer committed exactly once", output);
            Assert.Contains("efficiency", output);
            var file = Assert.Single(Directory.GetFiles(results, "transfers-*.json"));
            Assert.Contains("\"exactlyOnce\": true", File.ReadAllText(file).Replace("\"ExactlyOnce\"", "\"exactlyOnce\""));
        }
        finally
        {
            try { Directory.Delete(results, recursive: true); } catch (IOException) { }
        }
    }
}
