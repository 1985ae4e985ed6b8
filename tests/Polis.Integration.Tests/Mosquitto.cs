using System.Diagnostics;

namespace Polis.Integration.Tests;

/// <summary>
/// Debian's Mosquitto broker for the tests that need it, installed once per test run when it is
/// missing and this process may (root with apt-get). Where it cannot be installed the test fails
/// with the command to install it: it is never skipped, so it cannot pass without having run.
/// </summary>
public static class Mosquitto
{
    public const string Path = "/usr/sbin/mosquitto";

    private static readonly Lazy<bool> Installed = new(Install);

    private static bool Installable => File.Exists("/usr/bin/apt-get") && Environment.UserName == "root";

    public static bool EnsureInstalled() => File.Exists(Path) || Installed.Value;

    private static bool Install()
    {
        if (!Installable) return false;
        return Run("apt-get", "update -qq") && Run("apt-get", "install -y -qq mosquitto") && File.Exists(Path);
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
