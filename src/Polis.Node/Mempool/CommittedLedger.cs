using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution.Auth;
using Polis.Execution.Fees;

namespace Polis.Node.Mempool;

/// <summary>Admission's view of the chain: the state at the committed height and the node's modules.</summary>
internal sealed class CommittedLedger(PolisNode node) : IAdmissionLedger
{
    /// <summary>The fee schedule read at one height, so admission reads it once per block, not per transaction.</summary>
    private volatile Tuple<ulong, FeeSchedule>? _fees;

    public ulong CommittedHeight => node.CommittedHeight;

    public ulong NonceOf(in Address address) => NonceRecord.Load(node.StateAt(node.CommittedHeight), address);

    public (ulong Nonce, ulong Balance) AccountOf(in Address address)
    {
        var state = node.StateAt(node.CommittedHeight);
        return (NonceRecord.Load(state, address), node.ModuleSet.NativeAsset!.NativeBalance(state, address));
    }

    public ulong NativeSpendOf(Transaction tx) => node.ModuleSet.Find(tx.Module)?.NativeSpendOf(tx) ?? 0;

    public ulong FeeOf(Transaction tx)
    {
        ulong height = node.CommittedHeight;
        var known = _fees;
        if (known is null || known.Item1 != height)
        {
            known = Tuple.Create(height, FeeRecord.Load(node.StateAt(height)));
            _fees = known;
        }
        return known.Item2.TryFeeOf(tx, out ulong fee) ? fee : ulong.MaxValue;
    }

    public int? BodyBytesMaxOf(ModuleId module) => node.ModuleSet.Find(module)?.BodyBytesMax;
}
