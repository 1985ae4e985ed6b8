using Polis.Core.Crypto;

namespace Polis.Execution;

/// <summary>
/// Implemented by the one module that holds balances of the native asset (Accounts): what the
/// mempool asks before admitting, and how the executor takes fees. The executor writes through
/// these outside any module's overlay, because a fee stays paid when the transaction fails.
/// </summary>
public interface INativeAsset
{
    ulong NativeBalance(IStateView state, in Address address);

    /// <summary>Takes <paramref name="amount"/> from <paramref name="payer"/>; false, with nothing written, when the balance is short.</summary>
    bool TryTake(IStateView state, in Address payer, ulong amount);

    /// <summary>Credits <paramref name="amount"/> to <paramref name="payee"/>; what was taken from others, so it cannot overflow a supply that fits in 64 bits.</summary>
    void Give(IStateView state, in Address payee, ulong amount);
}
