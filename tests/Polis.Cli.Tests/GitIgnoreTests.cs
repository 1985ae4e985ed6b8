using System.Text.RegularExpressions;

namespace Polis.Cli.Tests;

/// <summary>Every directory the CLI makes by default holds key files: the repository's .gitignore must keep each out of commits.</summary>
public sealed partial class GitIgnoreTests
{
    [Fact]
    public void Every_directory_the_cli_makes_by_default_is_ignored()
    {
        var ignored = File.ReadAllLines(Path.Combine(RepositoryRoot(), ".gitignore")).Select(l => l.Trim()).ToHashSet();
        var defaults = new List<string>();
        foreach (var command in new[] { new[] { "demo", "--help" }, ["devnet", "up", "--help"], ["devnet", "down", "--help"] })
        {
            var (code, output, error) = PolisProcess.Run(TimeSpan.FromMinutes(1), command);
            Assert.True(code == 0, output + error);
            defaults.AddRange(DirDefault().Matches(output).Select(m => m.Groups[1].Value));
        }
        Assert.Contains(".polis-demo", defaults); // the help still names its default: the pattern works
        Assert.All(defaults.Distinct(), dir => Assert.Contains($"{dir}/", ignored));
    }

    [GeneratedRegex(@"--dir[^\n]*\[default: ([^\]]+)\]")]
    private static partial Regex DirDefault();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Polis.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("no Polis.slnx above the test's directory");
    }
}
