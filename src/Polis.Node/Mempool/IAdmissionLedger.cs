using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Node.Mempool;

/// <summary>What the mempool asks of the committed chain before it admits a transaction. Safe from any thread.</summary>
public interface IAdmissionLedger
{
    /// <summary>The sender's next nonce at the committed height.</summary>
    ulong NonceOf(in Address address);

    /// <summary>The sender's next nonce and native balance, both read at one committed height.</summary>
    (ulong Nonce, ulong Balance) AccountOf(in Address address);

    /// <summary>The most a transaction may take from its sender's native balance (its module says).</summary>
    ulong NativeSpendOf(Transaction tx);

    /// <summary>Whether the chain runs the transaction's module.</summary>
    bool Runs(ModuleId module);
}
