using Polis.Node.Config;

namespace Polis.Cli.Demo;

/// <summary>Turns on the gateway service in a node's config.</summary>
public static class GatewaySetup
{
    public static void Enable(NodeConfig config, string gatewayId, string keyFile, string mqttListen)
    {
        throw new NotImplementedException("filled in when the gateway lands");
    }
}
