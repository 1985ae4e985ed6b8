using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Node.Mempool;

/// <summary>What the mempool asks of the committed chain before it admits a transaction. Safe from any thread.</summary>
public interface IAdmissionLedger
{
    /// <summary>The committed height the other answers are read at (it only grows).</summary>
    ulong CommittedHeight { get; }

    /// <summary>The sender's next nonce at the committed height.</summary>
    ulong NonceOf(in Address address);

    /// <summary>The sender's next nonce and native balance, both read at one committed height.</summary>
    (ulong Nonce, ulong Balance) AccountOf(in Address address);

    /// <summary>The most a transaction may take from its sender's native balance (its module says).</summary>
    ulong NativeSpendOf(Transaction tx);

    /// <summary>The fee the transaction pays under the committed fee schedule; <see cref="ulong.MaxValue"/> when it does not fit in 64 bits.</summary>
    ulong FeeOf(Transaction tx);

    /// <summary>The largest body the transaction's module takes; null when the chain does not run the module.</summary>
    int? BodyBytesMaxOf(ModuleId module);
}
