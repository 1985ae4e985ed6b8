using Polis.Core.Crypto;
using Polis.Execution;

namespace Polis.Modules.Accounts;

/// <summary>
/// The balances keeper: reads and moves amounts of any asset. The Accounts module moves CITY with
/// it; an assets module moves its own assets and holds through the same records.
/// </summary>
public static class Balances
{
    public static ulong Get(IStateView state, uint asset, in Address address) => GetAt(state, AccountsKeys.Balance(asset, address));

    /// <summary>Sets a balance; zero deletes the record, so empty accounts leave no state behind.</summary>
    public static void Set(IStateView state, uint asset, in Address address, ulong amount) => SetAt(state, AccountsKeys.Balance(asset, address), amount);

    private static ulong GetAt(IStateView state, byte[] key)
    {
        var bytes = state.Get(key);
        return bytes is null ? 0 : BalanceRecord.Decode(bytes);
    }

    private static void SetAt(IStateView state, byte[] key, ulong amount)
    {
        if (amount == 0) state.Delete(key);
        else state.Put(key, BalanceRecord.Encode(amount));
    }

    /// <summary>Takes <paramref name="amount"/> from <paramref name="from"/>; false, with nothing written, when its balance is short.</summary>
    public static bool TryTake(IStateView state, uint asset, in Address from, ulong amount)
    {
        var key = AccountsKeys.Balance(asset, from);
        ulong balance = GetAt(state, key);
        if (balance < amount) return false;
        if (amount > 0) SetAt(state, key, balance - amount);
        return true;
    }

    /// <summary>Credits what was taken from others (a fee): the supply fits in 64 bits, so an overflow is a bug, and stops the node.</summary>
    public static void Give(IStateView state, uint asset, in Address to, ulong amount)
    {
        var key = AccountsKeys.Balance(asset, to);
        ulong balance = GetAt(state, key);
        Polis.Core.Invariant.Check(ulong.MaxValue - balance >= amount, "a credit of taken funds overflows a balance");
        SetAt(state, key, balance + amount);
    }

    /// <summary>
    /// Moves <paramref name="amount"/> of <paramref name="asset"/>; null when done, else the failure
    /// (with nothing written). A move to oneself changes nothing but still needs the funds.
    /// </summary>
    public static (ResultCode Code, string Message)? Move(IStateView state, uint asset, in Address from, in Address to, ulong amount)
    {
        var fromKey = AccountsKeys.Balance(asset, from);
        ulong payer = GetAt(state, fromKey);
        if (payer < amount) return (AccountsResults.InsufficientFunds, $"balance {payer} is less than {amount}");
        if (from == to) return null;
        var toKey = AccountsKeys.Balance(asset, to);
        ulong payee = GetAt(state, toKey);
        if (ulong.MaxValue - payee < amount) return (AccountsResults.AmountOverflow, "recipient balance would overflow");
        SetAt(state, fromKey, payer - amount);
        SetAt(state, toKey, payee + amount);
        return null;
    }
}
