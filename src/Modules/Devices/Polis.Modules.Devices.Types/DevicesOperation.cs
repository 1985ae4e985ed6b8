namespace Polis.Modules.Devices;

/// <summary>The first byte of a devices transaction body. Never renumber.</summary>
public enum DevicesOperation : byte
{
    RegisterDevice = 1,
    RotateDeviceKey = 2,
    RevokeDevice = 3,
    RegisterGateway = 4,
    AnchorBatch = 5,
    AssignDevice = 6,
}
