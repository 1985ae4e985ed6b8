using System.Diagnostics;

namespace Polis.Integration.Tests;

/// <summary>
/// A test that needs Debian's Mosquitto broker. The test installs it from Debian's packages when it
/// can (root, apt-get). Only where it cannot is the test skipped, with the way to install it; under
/// CI (the CI variable set) it is never skipped, so a missing broker fails it there.
/// </summary>
public sealed class MosquittoFactAttribute : FactAttribute
{
    public const string Path = "/usr/sbin/mosquitto";

    public MosquittoFactAttribute()
    {
        if (!File.Exists(Path) && !Mosquitto.Installable && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            Skip = "Mosquitto is not installed and this user cannot install it (apt-get install mosquitto; .ci/run installs it)";
    }
}

/// <summary>Installs Mosquitto once per test run when it is missing and this process may (root with apt-get).</summary>
public static class Mosquitto
{
    private static readonly Lazy<bool> Installed = new(Install);

    public static bool Installable => File.Exists("/usr/bin/apt-get") && Environment.UserName == "root";

    public static bool EnsureInstalled() => File.Exists(MosquittoFactAttribute.Path) || Installed.Value;

    private static bool Install()
    {
        if (!Installable) return false;
        return Run("apt-get", "update -qq") && Run("apt-get", "install -y -qq mosquitto") && File.Exists(MosquittoFactAttribute.Path);
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
