using Polis.Client.Config;
using Polis.Core.Crypto;

namespace Polis.Node.Config;

/// <summary>The files of one node's home directory.</summary>
public sealed class NodeHome(string directory)
{
    public string Directory { get; } = Path.GetFullPath(directory);
    public string ConfigPath => Path.Combine(Directory, "config.json");
    public string DataDirectory => Path.Combine(Directory, "data");
    /// <summary>The consensus journal: the WAL and the double-sign guard.</summary>
    public string WalDirectory => Path.Combine(Directory, "wal");
    public string Resolve(string relative) => Path.IsPathRooted(relative) ? relative : Path.Combine(Directory, relative);

    /// <summary>Writes a new home: its config, a fresh node key and (unless the config has none) a validator key; returns their public keys.</summary>
    public (PublicKey NodeKey, PublicKey? ValidatorKey) Initialize(NodeConfig config)
    {
        System.IO.Directory.CreateDirectory(Directory);
        config.Save(ConfigPath);
        using var nodeKey = KeyPair.Generate();
        KeyFile.Save(Resolve(config.NodeKeyFile), nodeKey);
        if (string.IsNullOrEmpty(config.ValidatorKeyFile)) return (nodeKey.PublicKey, null);
        using var validatorKey = KeyPair.Generate();
        KeyFile.Save(Resolve(config.ValidatorKeyFile), validatorKey);
        return (nodeKey.PublicKey, validatorKey.PublicKey);
    }
}
