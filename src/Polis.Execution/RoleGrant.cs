using Polis.Core.Crypto;

namespace Polis.Execution;

/// <summary>Roles granted to one account in the genesis.</summary>
public sealed record RoleGrant(Address Address, IReadOnlyList<string> Roles);
