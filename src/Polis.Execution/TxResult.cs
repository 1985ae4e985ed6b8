using Polis.Core.Crypto;

namespace Polis.Execution;

/// <summary>
/// The recorded outcome of one transaction: its code, a message for people, and the events it
/// emitted. A failed transaction changed nothing but its sender's nonce and emitted nothing.
/// </summary>
public sealed record TxResult(Hash32 TxHash, ResultCode Code, string Message, IReadOnlyList<ModuleEvent> Events)
{
    public TxResult(Hash32 txHash, ResultCode code, string message) : this(txHash, code, message, []) { }

    public bool IsOk => Code.IsOk;
    public static TxResult Ok(Hash32 txHash) => new(txHash, ExecutionResults.Ok, "", []);
}
