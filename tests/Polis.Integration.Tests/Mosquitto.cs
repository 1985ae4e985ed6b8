namespace Polis.Integration.Tests;

/// <summary>Debian's Mosquitto broker for the tests that need it (<see cref="DebianPackages"/>).</summary>
public static class Mosquitto
{
    public const string Path = "/usr/sbin/mosquitto";

    public static bool EnsureInstalled() => DebianPackages.EnsureInstalled(Path, "mosquitto");
}
