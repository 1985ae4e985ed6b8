namespace Polis.Execution;

/// <summary>Outcome of a transaction included in a block. Values are stored in the transaction index: never renumber.</summary>
public enum TxResultCode : byte
{
    Ok = 0,
    InsufficientFunds = 1,
    MalformedBody = 2,
    UnknownOperation = 3,
    AmountOverflow = 4,
    ZeroAmount = 5,
    /// <summary>The sender lacks the role or ownership the operation needs.</summary>
    Unauthorized = 6,
    /// <summary>The device or gateway named does not exist.</summary>
    NotFound = 7,
    /// <summary>A device or gateway with that id is already registered.</summary>
    AlreadyExists = 8,
    /// <summary>The device or gateway is revoked: nothing more can change it.</summary>
    Revoked = 9,
    /// <summary>An anchor's batch number is not the gateway's next one.</summary>
    OutOfOrder = 10,
    /// <summary>A field is out of its allowed range.</summary>
    InvalidArgument = 11,
}
