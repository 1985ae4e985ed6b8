using Polis.Execution;

namespace Polis.Modules.Accounts;

/// <summary>The Accounts module's result codes (namespace <c>accounts</c>). Stored in the transaction index: never renumber.</summary>
public static class AccountsResults
{
    public static readonly ResultCode InsufficientFunds = Code(1, "insufficient-funds");
    public static readonly ResultCode AmountOverflow = Code(2, "amount-overflow");
    public static readonly ResultCode ZeroAmount = Code(3, "zero-amount");

    public static IReadOnlyList<ResultCode> All { get; } = [InsufficientFunds, AmountOverflow, ZeroAmount];

    private static ResultCode Code(ushort value, string name) => ResultCode.Of(AccountsKeys.Module, AccountsKeys.Name, value, name);
}
