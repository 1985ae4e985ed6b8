using Polis.Core.Crypto;

namespace Polis.Execution;

/// <summary>Implemented by the one module that holds balances of the native asset (Accounts): what the mempool asks before admitting.</summary>
public interface INativeAsset
{
    ulong NativeBalance(IStateView state, in Address address);
}
