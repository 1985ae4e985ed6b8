using Polis.Execution;

namespace Polis.Modules.Devices;

/// <summary>The Devices module's result codes (namespace <c>devices</c>). Stored in the transaction index: never renumber.</summary>
public static class DevicesResults
{
    /// <summary>The sender lacks the role or ownership the operation needs.</summary>
    public static readonly ResultCode Unauthorized = Code(1, "unauthorized");
    /// <summary>The device or gateway named does not exist.</summary>
    public static readonly ResultCode NotFound = Code(2, "not-found");
    /// <summary>A device or gateway with that id is already registered.</summary>
    public static readonly ResultCode AlreadyExists = Code(3, "already-exists");
    /// <summary>The device or gateway is revoked: nothing more can change it.</summary>
    public static readonly ResultCode Revoked = Code(4, "revoked");
    /// <summary>An anchor's batch number is not the gateway's next one.</summary>
    public static readonly ResultCode OutOfOrder = Code(5, "out-of-order");
    /// <summary>A field is out of its allowed range.</summary>
    public static readonly ResultCode InvalidArgument = Code(6, "invalid-argument");

    public static IReadOnlyList<ResultCode> All { get; } = [Unauthorized, NotFound, AlreadyExists, Revoked, OutOfOrder, InvalidArgument];

    private static ResultCode Code(ushort value, string name) => ResultCode.Of(DevicesKeys.Module, DevicesKeys.Name, value, name);
}
