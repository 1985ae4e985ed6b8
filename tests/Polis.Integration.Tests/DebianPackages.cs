using System.Diagnostics;

namespace Polis.Integration.Tests;

/// <summary>
/// Debian packages the tests need (Mosquitto, Node.js and npm), installed once per test run when
/// missing and this process may (root with apt-get). Where they cannot be installed the test fails
/// with the command to install them: it is never skipped, so it cannot pass without having run.
/// </summary>
public static class DebianPackages
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, bool> Attempts = new();

    private static bool Installable => File.Exists("/usr/bin/apt-get") && Environment.UserName == "root";

    /// <summary>True when <paramref name="executable"/> exists, after installing <paramref name="packages"/> if it did not.</summary>
    public static bool EnsureInstalled(string executable, params string[] packages)
    {
        if (File.Exists(executable)) return true;
        lock (Gate)
        {
            string key = string.Join(' ', packages);
            if (!Attempts.TryGetValue(key, out bool done))
                Attempts[key] = done = Installable && Run("apt-get", "update -qq") && Run("apt-get", $"install -y -qq {key}");
            return done && File.Exists(executable);
        }
    }

    private static bool Run(string file, string arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        if (process.WaitForExit(TimeSpan.FromMinutes(5))) return process.ExitCode == 0;
        process.Kill(entireProcessTree: true);
        return false;
    }
}
