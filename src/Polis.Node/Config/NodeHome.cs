namespace Polis.Node.Config;

/// <summary>The files of one node's home directory.</summary>
public sealed class NodeHome(string directory)
{
    public string Directory { get; } = Path.GetFullPath(directory);
    public string ConfigPath => Path.Combine(Directory, "config.json");
    public string DataDirectory => Path.Combine(Directory, "data");
    public string WalPath => Path.Combine(Directory, "wal", "consensus.wal");
    public string Resolve(string relative) => Path.IsPathRooted(relative) ? relative : Path.Combine(Directory, relative);
}
