namespace Polis.Core.Ledger;

/// <summary>Which module a transaction's body is addressed to.</summary>
public enum ModuleId : byte
{
    Accounts = 1,
    Devices = 2,
}
