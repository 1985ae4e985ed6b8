using Polis.Client.Config;
using Polis.Node.Config;
using Polis.Gateway;

namespace Polis.Devnet.District;

/// <summary>Turns on the gateway service in a node's config.</summary>
public static class GatewaySetup
{
    /// <summary>Turns the node's gateway on: <paramref name="gatewayId"/> with its account in <paramref name="keyFile"/>, the embedded broker on <paramref name="mqttListen"/> (empty: none) admitting <paramref name="concentrators"/> as data concentrators (publishers of many devices' readings) besides devices, in <paramref name="config"/>.</summary>
    public static void Enable(NodeConfig config, string gatewayId, string keyFile, string mqttListen, IEnumerable<Polis.Core.Crypto.PublicKey>? concentrators = null)
    {
        config.Gateway = new GatewayConfig
        {
            Enabled = true,
            Id = gatewayId,
            AccountKeyFile = keyFile,
            MqttListen = mqttListen,
            MqttConcentrators = [.. (concentrators ?? []).Select(k => k.ToString())],
        };
    }
}
