using System.Diagnostics;

namespace Polis.Cli.Tests;

/// <summary>Runs the real `polis` program as a child process, bounded in time, and captures what it prints.</summary>
internal static class PolisProcess
{
    public static (int ExitCode, string Output, string Error) Run(TimeSpan timeout, params string[] args) => RunIn(null, timeout, args);

    /// <summary>Runs polis in <paramref name="workingDirectory"/> (null: the test's).</summary>
    public static (int ExitCode, string Output, string Error) RunIn(string? workingDirectory, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        start.Environment.Remove("POLIS_NODE");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "polis.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["COLUMNS"] = "200";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"polis {string.Join(' ', args)} did not finish within {timeout}");
        }
        return (process.ExitCode, output.Result, error.Result);
    }
}
