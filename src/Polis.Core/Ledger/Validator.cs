using Polis.Core.Crypto;

namespace Polis.Core.Ledger;

/// <summary>A validator's consensus key and voting power.</summary>
public sealed record Validator(PublicKey PublicKey, ulong Power)
{
    public Address Address { get; } = Address.From(PublicKey);
}
