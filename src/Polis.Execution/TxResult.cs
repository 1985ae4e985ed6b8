using Polis.Core.Crypto;

namespace Polis.Execution;

/// <summary>The recorded outcome of one transaction: a failed one changed nothing but its sender's nonce.</summary>
public sealed record TxResult(Hash32 TxHash, TxResultCode Code, string Message)
{
    public bool IsOk => Code == TxResultCode.Ok;
    public static TxResult Ok(Hash32 txHash) => new(txHash, TxResultCode.Ok, "");
}
