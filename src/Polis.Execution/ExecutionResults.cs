using Polis.Core.Ledger;

namespace Polis.Execution;

/// <summary>The executor's own result codes (namespace <c>tx</c>), which apply to a transaction of any module. Never renumber.</summary>
public static class ExecutionResults
{
    public static readonly ResultCode Ok = default;
    /// <summary>The body does not decode as the module's body.</summary>
    public static readonly ResultCode MalformedBody = new(ModuleId.None, 1, "tx.malformed-body");
    /// <summary>The body's operation is not one the module has.</summary>
    public static readonly ResultCode UnknownOperation = new(ModuleId.None, 2, "tx.unknown-operation");
    /// <summary>No module with the transaction's module id runs on this chain.</summary>
    public static readonly ResultCode UnknownModule = new(ModuleId.None, 3, "tx.unknown-module");
    /// <summary>The module threw while applying the transaction (a bug of the module's that input reached): it changed nothing.</summary>
    public static readonly ResultCode ModuleFault = new(ModuleId.None, 4, "tx.module-fault");

    /// <summary>The body is larger than its module takes (<see cref="IModule.BodyBytesMax"/>): refused before the module reads it, the fee still paid.</summary>
    public static readonly ResultCode BodyTooLarge = new(ModuleId.None, 5, "tx.body-too-large");

    public static IReadOnlyList<ResultCode> All { get; } = [Ok, MalformedBody, UnknownOperation, UnknownModule, ModuleFault, BodyTooLarge];
}
