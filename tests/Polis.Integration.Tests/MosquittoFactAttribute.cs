namespace Polis.Integration.Tests;

/// <summary>A test that needs Debian's Mosquitto broker; `.ci/run` installs it, elsewhere the test is reported as skipped with the way to install it.</summary>
public sealed class MosquittoFactAttribute : FactAttribute
{
    public const string Path = "/usr/sbin/mosquitto";

    public MosquittoFactAttribute()
    {
        if (!File.Exists(Path)) Skip = "Mosquitto is not installed (apt-get install mosquitto; .ci/run installs it)";
    }
}
