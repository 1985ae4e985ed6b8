using Polis.Core.Ledger;

namespace Polis.Execution;

/// <summary>A module applies the transactions addressed to it. Must be deterministic: no clock, no randomness, no dictionary order.</summary>
public interface IModule
{
    ModuleId Id { get; }

    /// <summary>
    /// Applies the body of an already authenticated transaction whose nonce was consumed. Writes go
    /// to <paramref name="scratch"/>, which the executor discards if the result is a failure.
    /// </summary>
    TxResult Apply(Transaction tx, IStateView scratch, in BlockContext block);
}
