using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution.Auth;

namespace Polis.Node.Mempool;

/// <summary>Admission's view of the chain: the state at the committed height and the node's modules.</summary>
internal sealed class CommittedLedger(PolisNode node) : IAdmissionLedger
{
    public ulong NonceOf(in Address address) => NonceRecord.Load(node.StateAt(node.CommittedHeight), address);

    public (ulong Nonce, ulong Balance) AccountOf(in Address address)
    {
        var state = node.StateAt(node.CommittedHeight);
        return (NonceRecord.Load(state, address), node.ModuleSet.NativeAsset!.NativeBalance(state, address));
    }

    public ulong NativeSpendOf(Transaction tx) => node.ModuleSet.Find(tx.Module)?.NativeSpendOf(tx) ?? 0;

    public bool Runs(ModuleId module) => node.ModuleSet.Find(module) is not null;
}
