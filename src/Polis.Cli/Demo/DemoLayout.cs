using Polis.Devnet;
using Polis.Core.Crypto;
using Polis.Client.Config;
using Polis.Node.Config;

using Polis.Devnet.District;

namespace Polis.Cli.Demo;

/// <summary>
/// A devnet made for the demo: node0 also runs the gateway (embedded MQTT broker on the port after
/// the nodes' ports), account0 is the city operator, and DIR/district holds the simulated devices.
/// The district is a member of devnet.json, so `polis devnet down` stops it with the nodes.
/// </summary>
public static class DemoLayout
{
    public const string GatewayId = "gw-0";
    public const int Validators = 4;

    public static DevnetManifest Create(string dir, int basePort, int devices, int rate)
    {
        int mqttPort = basePort + 2 * Validators;
        string gatewayKeyPath = "", concentratorKeyPath = "";
        var manifest = DevnetLayout.Create(dir, Validators, basePort, accounts: 2, perNode: (i, home, config) =>
        {
            if (i != 0) return;
            Directory.CreateDirectory(home.Directory);
            gatewayKeyPath = Path.Combine(home.Directory, "gateway_key.json");
            using (var key = KeyPair.Generate()) KeyFile.Save(gatewayKeyPath, key);
            // The district's publisher relays every simulated device's readings: the broker admits it as a data concentrator.
            concentratorKeyPath = Path.Combine(home.Directory, "district_key.json");
            using var concentrator = KeyPair.Generate();
            KeyFile.Save(concentratorKeyPath, concentrator);
            GatewaySetup.Enable(config, GatewayId, "gateway_key.json", $"127.0.0.1:{mqttPort}", [concentrator.PublicKey]);
        });
        string districtHome = Path.Combine(Path.GetFullPath(dir), "district");
        new DistrictFile
        {
            ChainId = manifest.ChainId,
            Node = manifest.Nodes[0].Api,
            Mqtt = $"127.0.0.1:{mqttPort}",
            GatewayId = GatewayId,
            GatewayKeyFile = gatewayKeyPath,
            ConcentratorKeyFile = concentratorKeyPath,
            OperatorKeyFile = manifest.Accounts[0],
            Rate = rate,
            Devices = DistrictLayout.Create(devices),
        }.Save(districtHome);
        manifest.Nodes.Add(new DevnetManifest.DevnetNode { Name = "district", Kind = "district", Home = districtHome, Api = "", P2P = $"mqtt 127.0.0.1:{mqttPort}" });
        manifest.Save(dir);
        return manifest;
    }
}
