namespace Polis.Execution.Roles;

/// <summary>
/// What an account is allowed to do beyond holding and moving CITY. Granted in the genesis for now
/// (governance will grant and withdraw them later). Stored as a bit set: never renumber.
/// </summary>
[Flags]
public enum AccountRoles : uint
{
    None = 0,
    /// <summary>May register devices (it becomes their owner), e.g. the utility for its meters.</summary>
    DeviceOwner = 1,
    /// <summary>May register gateways, the services that anchor batches of readings.</summary>
    GatewayOperator = 2,

    All = DeviceOwner | GatewayOperator,
}
