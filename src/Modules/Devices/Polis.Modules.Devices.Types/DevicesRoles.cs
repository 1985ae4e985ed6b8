namespace Polis.Modules.Devices;

/// <summary>The roles the Devices module checks, as genesis files and governance name them.</summary>
public static class DevicesRoles
{
    /// <summary>May register devices (it becomes their owner), e.g. the utility for its meters.</summary>
    public const string DeviceOwner = "device-owner";
    /// <summary>May register gateways, the services that anchor batches of readings.</summary>
    public const string GatewayOperator = "gateway-operator";

    public static IReadOnlyList<string> All { get; } = [DeviceOwner, GatewayOperator];
}
