using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;
using Polis.Execution.Accounts;
using Polis.Execution.Roles;

namespace Polis.Execution;

/// <summary>
/// The chain's starting point: its id, start time, first validators, initial CITY allocations and
/// the roles granted to accounts (who may register devices, who may register gateways).
/// Its hash stands in for the previous block id of block 1, so block 1 commits to the genesis.
/// </summary>
public sealed class Genesis
{
    public const int AllocationsMax = 100_000;

    public Genesis(string chainId, long timeMs, ValidatorSet validators, IReadOnlyList<(Address Address, ulong Amount)> allocations,
        IReadOnlyList<(Address Address, AccountRoles Roles)>? roles = null)
    {
        roles ??= [];
        ChainId.Check(chainId);
        if (allocations.Count > AllocationsMax) throw new ArgumentException($"more than {AllocationsMax} allocations", nameof(allocations));
        var seen = new HashSet<Address>();
        foreach (var (address, _) in allocations)
            if (!seen.Add(address)) throw new ArgumentException($"address {address} allocated twice", nameof(allocations));
        if (roles.Count > AllocationsMax) throw new ArgumentException($"more than {AllocationsMax} role grants", nameof(roles));
        var granted = new HashSet<Address>();
        foreach (var (address, r) in roles)
        {
            if (!granted.Add(address)) throw new ArgumentException($"address {address} granted roles twice", nameof(roles));
            if (r == AccountRoles.None || (r & ~AccountRoles.All) != 0) throw new ArgumentException($"address {address}: unknown or empty roles {(uint)r}", nameof(roles));
        }
        Id = chainId;
        TimeMs = timeMs;
        Validators = validators;
        Allocations = allocations;
        Roles = roles;
        Hash = Sha256.Hash(ToBytes());
    }

    public string Id { get; }
    public long TimeMs { get; }
    public ValidatorSet Validators { get; }
    public IReadOnlyList<(Address Address, ulong Amount)> Allocations { get; }
    public IReadOnlyList<(Address Address, AccountRoles Roles)> Roles { get; }
    public Hash32 Hash { get; }

    public void ApplyTo(IStateView state)
    {
        foreach (var (address, amount) in Allocations) new AccountRecord(0, amount).Store(state, address);
        foreach (var (address, roles) in Roles) RoleRecord.Store(state, address, roles);
    }

    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(256 + Allocations.Count * 28);
        w.WriteString(Id);
        w.WriteI64(TimeMs);
        Validators.Encode(w);
        w.WriteCount(Allocations.Count);
        foreach (var (address, amount) in Allocations)
        {
            w.WriteAddress(address);
            w.WriteU64(amount);
        }
        w.WriteCount(Roles.Count);
        foreach (var (address, roles) in Roles)
        {
            w.WriteAddress(address);
            w.WriteU32((uint)roles);
        }
        return w.ToArray();
    }

    public static Genesis Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        string chainId = r.ReadString(Limits.ChainIdBytesMax, "chain id");
        long time = r.ReadI64("genesis time");
        var validators = ValidatorSet.Decode(ref r);
        int n = r.ReadCount(AllocationsMax, Address.Size + 8, "allocations");
        var allocations = new (Address, ulong)[n];
        for (int i = 0; i < n; i++) allocations[i] = (r.ReadAddress(), r.ReadU64("amount"));
        int m = r.ReadCount(AllocationsMax, Address.Size + 4, "role grants");
        var roles = new (Address, AccountRoles)[m];
        for (int i = 0; i < m; i++) roles[i] = (r.ReadAddress(), (AccountRoles)r.ReadU32("roles"));
        r.End("genesis");
        try
        {
            return new Genesis(chainId, time, validators, allocations, roles);
        }
        catch (ArgumentException e)
        {
            throw new CodecException(e.Message);
        }
    }
}
