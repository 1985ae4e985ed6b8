namespace Polis.Node;

/// <summary>
/// HOME/node.pid: the id of the process running the node on this home, written at start and
/// removed at a clean stop (if it is still ours), so tools that stop a devnet find a node however
/// it was started. A stale file after a crash is harmless: readers check the process is a node
/// on this home before they signal it.
/// </summary>
public sealed class PidFile : IDisposable
{
    public const string FileName = "node.pid";
    private readonly string _path;

    private PidFile(string path) => _path = path;

    public static PidFile Write(string homeDirectory)
    {
        string path = Path.Combine(homeDirectory, FileName);
        File.WriteAllText(path, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new PidFile(path);
    }

    /// <summary>The pid recorded in <paramref name="homeDirectory"/>, if any.</summary>
    public static int? Read(string homeDirectory)
    {
        try
        {
            string text = File.ReadAllText(Path.Combine(homeDirectory, FileName)).Trim();
            return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid) && pid > 0 ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        if (Read(Path.GetDirectoryName(_path)!) == Environment.ProcessId) File.Delete(_path);
    }
}
