using Polis.Client.Config;
using Polis.Node.Config;
using Polis.Gateway;

namespace Polis.Devnet.District;

/// <summary>Turns on the gateway service in a node's config.</summary>
public static class GatewaySetup
{
    public static void Enable(NodeConfig config, string gatewayId, string keyFile, string mqttListen)
    {
        config.Gateway = new GatewayConfig
        {
            Enabled = true,
            Id = gatewayId,
            AccountKeyFile = keyFile,
            MqttListen = mqttListen,
        };
    }
}
