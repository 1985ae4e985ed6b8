using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Modules.Accounts;

namespace Polis.Benchmarks;

/// <summary>Shared deterministic inputs.</summary>
internal static class Fixtures
{
    public const string ChainId = "polis-bench";
    public static readonly KeyPair[] Senders = Enumerable.Range(0, 1000).Select(i => KeyPair.FromLabel($"bench-sender-{i}")).ToArray();

    /// <summary>1,000 transfers from 1,000 distinct senders (nonce 0 each), as a full block would carry.</summary>
    public static Transaction[] Transfers(int count = 1000) => Enumerable.Range(0, count)
        .Select(i => Transaction.Create(ChainId, Senders[i % Senders.Length], (ulong)(i / Senders.Length), AccountsKeys.Module,
            new TransferBody(Senders[(i + 1) % Senders.Length].Address, 1).ToBytes()))
        .ToArray();
}
