namespace Polis.Cli.Tests;

/// <summary>A command line that does not parse: one line in the project's words on stderr, exit code 2, no help dumped.</summary>
public sealed class CliErrorTests
{
    [Theory]
    [InlineData(new[] { "tx", "transfer", "--amount", "-5", "--to", "x" }, "error: --amount takes a whole number of 0 or more, not '-5' (see polis tx transfer --help)")]
    [InlineData(new[] { "sim", "--seed", "seven" }, "error: --seed takes a whole number, not 'seven' (see polis sim --help)")]
    [InlineData(new[] { "tx", "transfr" }, "error: Unrecognized command or argument 'transfr' (see polis tx --help)")]
    public void A_bad_command_line_is_one_line_and_exit_code_2(string[] args, string expected)
    {
        var (code, output, error) = PolisProcess.Run(TimeSpan.FromMinutes(1), args);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal(expected, error.TrimEnd());
        Assert.DoesNotContain("System.", error);
    }

    [Fact]
    public void Polis_alone_prints_its_help()
    {
        var (code, output, _) = PolisProcess.Run(TimeSpan.FromMinutes(1));
        Assert.Equal(0, code);
        Assert.Contains("Usage:", output);
    }
}

/// <summary>Client commands without --node talk to the nearest devnet's first node, and say which they tried.</summary>
public sealed class NodeDefaultTests
{
    [Fact]
    public void Without_node_a_command_uses_the_nearest_devnet_and_names_it_when_it_cannot_reach_it()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"polis-cli-{Guid.NewGuid():N}");
        try
        {
            // Only the demo's directory, its node on a port nothing listens on; the command runs in a subdirectory.
            Directory.CreateDirectory(Path.Combine(dir, ".polis-demo"));
            Directory.CreateDirectory(Path.Combine(dir, "work"));
            File.WriteAllText(Path.Combine(dir, ".polis-demo", "devnet.json"),
                $"{{\"chainId\":\"c\",\"genesis\":\"g\",\"nodes\":[{{\"name\":\"node0\",\"api\":\"http://127.0.0.1:22951\",\"p2p\":\"\",\"nodeId\":\"\",\"home\":\"{Path.Combine(dir, ".polis-demo", "node0")}\"}}],\"accounts\":[]}}");
            var (code, _, error) = PolisProcess.RunIn(Path.Combine(dir, "work"), TimeSpan.FromMinutes(1), "status");
            Assert.Equal(1, code);
            Assert.Contains("cannot reach the node at http://127.0.0.1:22951", error);
            Assert.Contains(Path.Combine(dir, ".polis-demo", "devnet.json"), error);
            Assert.Contains("--node URL or POLIS_NODE=URL", error);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
