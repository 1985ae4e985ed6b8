using System.CommandLine;
using Polis.Core.Crypto;
using Polis.Client.Config;
using Polis.Node.Config;
using Polis.Modules.Cli;

namespace Polis.Cli.Commands;

/// <summary>`polis init`: a node home with its config, node key and (unless --observer) validator key.</summary>
public static class InitCommand
{
    public static Command Create()
    {
        var home = new Option<string>("--home") { Description = "the node's home directory", Required = true };
        var moniker = new Option<string>("--moniker") { Description = "a name for this node", DefaultValueFactory = _ => Environment.MachineName };
        var p2p = new Option<string>("--p2p") { Description = "P2P listen address (ip:port)", DefaultValueFactory = _ => "0.0.0.0:26656" };
        var api = new Option<string>("--api") { Description = "HTTP API listen URL", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var peers = new Option<string[]>("--peer") { Description = "a persistent peer, nodeKeyHex@host:port (repeatable)", AllowMultipleArgumentsPerToken = false };
        var observer = new Option<bool>("--observer") { Description = "follow the chain without a validator key" };
        var command = new Command("init", "Create a node home: config.json, node_key.json, validator_key.json. Add genesis.json from `polis genesis`.")
        {
            home, moniker, p2p, api, peers, observer,
        };
        command.SetAction(parse =>
        {
            var nodeHome = new NodeHome(parse.GetValue(home)!);
            if (File.Exists(nodeHome.ConfigPath)) return CliOutput.Fail($"{nodeHome.ConfigPath} exists: this home is already initialised");
            var config = new NodeConfig
            {
                Moniker = parse.GetValue(moniker)!,
                P2PListen = parse.GetValue(p2p)!,
                ApiListen = parse.GetValue(api)!,
                PersistentPeers = [.. parse.GetValue(peers) ?? []],
                ValidatorKeyFile = parse.GetValue(observer) ? null : "validator_key.json",
            };
            try
            {
                config.Check();
                foreach (var peer in config.PersistentPeers) Polis.Network.PeerAddress.Parse(peer);
            }
            catch (FormatException e)
            {
                return CliOutput.Fail(e.Message, CliOutput.UsageError);
            }
            var (nodeKey, validatorKey) = nodeHome.Initialize(config);
            Console.WriteLine($"home          {nodeHome.Directory}");
            Console.WriteLine($"node id       {nodeKey}");
            if (validatorKey is not null) Console.WriteLine($"validator key {validatorKey} (give this to the genesis)");
            return 0;
        });
        return command;
    }
}
