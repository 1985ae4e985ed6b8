namespace Polis.Modules.Accounts;

/// <summary>The first byte of an Accounts transaction body.</summary>
public enum AccountsOperation : byte
{
    Transfer = 1,
}
