namespace Polis.Modules.Devices;

/// <summary>The Devices module's limits, shared by the chain and the gateways that feed it.</summary>
public static class DevicesLimits
{
    /// <summary>Readings one anchor may cover; keeps a batch's Merkle path short (20 levels).</summary>
    public const uint BatchReadingsMax = 1 << 20;
}
