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
}
