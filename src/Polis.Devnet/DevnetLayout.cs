using Polis.Core.Crypto;
using Polis.Client.Config;
using Polis.Node.Config;
using Polis.City;
using Polis.Modules;
using Polis.Modules.Accounts;
using Polis.Modules.Devices;

namespace Polis.Devnet;

/// <summary>
/// Creates a local devnet's files: a home per validator (keys, config with every other node as a
/// pinned persistent peer), one shared genesis funding test accounts, and the manifest. Node i
/// listens for peers on basePort + 2i and serves its API on basePort + 2i + 1, all on 127.0.0.1.
/// </summary>
public static class DevnetLayout
{
    public const string ChainId = "polis-devnet";
    public const ulong AccountBalance = 1_000_000_000_000;
    /// <summary>
    /// The devnet's fee: 1,000 per transaction plus 10 per byte, so a transfer (about 150 bytes)
    /// costs 2,500 and a body of 64 KB 656,000: spam costs the spammer's own funds.
    /// </summary>
    public const ulong FeePerTransaction = 1_000;
    public const ulong FeePerByte = 10;

    public static DevnetManifest Create(string dir, int validators, int basePort, int accounts, int observers = 0, Action<NodeConfig>? tune = null,
        Action<int, NodeHome, NodeConfig>? perNode = null)
    {
        if (validators is < 1 or > 64) throw new ArgumentOutOfRangeException(nameof(validators), "validators must be 1..64");
        if (basePort is < 1024 || basePort + 2 * (validators + observers) > 65535) throw new ArgumentOutOfRangeException(nameof(basePort), "ports out of range");
        string root = Path.GetFullPath(dir);
        if (File.Exists(DevnetManifest.PathIn(root))) throw new IOException($"{DevnetManifest.PathIn(root)} exists: remove the directory or pick another --dir");
        Directory.CreateDirectory(root);
        string genesisPath = Path.Combine(root, "genesis.json");
        var manifest = new DevnetManifest { ChainId = ChainId, Genesis = genesisPath, DataVersion = DevnetManifest.DataVersionCurrent };
        var genesis = new GenesisFile { ChainId = ChainId, GenesisTimeMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() };

        int total = validators + observers;
        var nodeKeys = new List<PublicKey>();
        var homes = new List<(NodeHome Home, NodeConfig Config)>();
        for (int i = 0; i < total; i++)
        {
            bool isValidator = i < validators;
            string name = isValidator ? $"node{i}" : $"observer{i - validators}";
            var home = new NodeHome(Path.Combine(root, name));
            var config = new NodeConfig
            {
                Moniker = name,
                P2PListen = $"127.0.0.1:{basePort + 2 * i}",
                ApiListen = $"http://127.0.0.1:{basePort + 2 * i + 1}",
                GenesisFile = genesisPath,
                ValidatorKeyFile = isValidator ? "validator_key.json" : null,
            };
            tune?.Invoke(config);
            perNode?.Invoke(i, home, config);
            var (nodeKey, validatorKey) = home.Initialize(config);
            nodeKeys.Add(nodeKey);
            homes.Add((home, config));
            if (validatorKey is not null) genesis.Validators.Add(new GenesisFile.GenesisValidator { Name = name, PublicKey = validatorKey.ToString(), Power = 10 });
            manifest.Nodes.Add(new DevnetManifest.DevnetNode
            {
                Name = name, Api = config.ApiListen, P2P = config.P2PListen, NodeId = nodeKey.ToString(), Validator = isValidator, Home = home.Directory,
            });
        }
        // Full mesh of pinned peers: each node dials the others and knows who must answer.
        for (int i = 0; i < total; i++)
        {
            var (home, config) = homes[i];
            config.PersistentPeers = Enumerable.Range(0, total).Where(j => j != i).Select(j => $"{nodeKeys[j]}@{homes[j].Config.P2PListen}").ToList();
            config.Save(home.ConfigPath);
        }
        string accountsDir = Path.Combine(root, "accounts");
        using (var treasury = KeyPair.Generate())
        {
            manifest.Treasury = Path.Combine(accountsDir, "treasury.json");
            KeyFile.Save(manifest.Treasury, treasury);
            genesis.Fees = new GenesisFile.GenesisFees { PerTransaction = FeePerTransaction, PerByte = FeePerByte, Collector = treasury.Address.ToString() };
        }
        var balances = new AccountsGenesis();
        for (int a = 0; a < accounts; a++)
        {
            using var key = KeyPair.Generate();
            string path = Path.Combine(accountsDir, $"account{a}.json");
            KeyFile.Save(path, key);
            manifest.Accounts.Add(path);
            balances.Add(key.Address, AccountBalance);
            // The first account plays the city's operator: it registers devices and gateways.
            if (a == 0) genesis.Roles.Add(new GenesisFile.GenesisRoleGrant { Address = key.Address.ToString(), Roles = [.. DevicesRoles.All] });
        }
        genesis.SetModule(AccountsKeys.Name, balances);
        genesis.ToGenesis(CityModules.Create()); // validates before anything starts
        genesis.Save(genesisPath);
        manifest.Save(root);
        return manifest;
    }
}
