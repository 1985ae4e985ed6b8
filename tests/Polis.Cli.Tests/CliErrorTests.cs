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
