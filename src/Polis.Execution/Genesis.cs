using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;
using Polis.Execution.Fees;
using Polis.Execution.Roles;

namespace Polis.Execution;

/// <summary>
/// The chain's starting point: its id, start time, first validators, the roles granted to accounts,
/// the fee schedule, and one section per module (its canonical bytes, which only the module reads: the Accounts
/// module's initial balances, say). Its hash stands in for the previous block id of block 1, so
/// block 1 commits to all of it.
/// </summary>
public sealed class Genesis
{
    public const int RoleGrantsMax = 100_000;
    public const int RolesPerGrantMax = 32;
    public const int SectionBytesMax = 16 * 1024 * 1024;

    public Genesis(string chainId, long timeMs, ValidatorSet validators, IReadOnlyList<RoleGrant>? roles = null, IReadOnlyList<GenesisSection>? sections = null, FeeSchedule fees = default)
    {
        roles ??= [];
        sections ??= [];
        ChainId.Check(chainId);
        if (roles.Count > RoleGrantsMax) throw new ArgumentException($"more than {RoleGrantsMax} role grants", nameof(roles));
        var granted = new HashSet<Address>();
        foreach (var grant in roles)
        {
            if (!granted.Add(grant.Address)) throw new ArgumentException($"address {grant.Address} is granted roles twice", nameof(roles));
            if (grant.Roles.Count == 0 || grant.Roles.Count > RolesPerGrantMax) throw new ArgumentException($"address {grant.Address}: 1..{RolesPerGrantMax} roles per grant", nameof(roles));
            if (grant.Roles.Distinct(StringComparer.Ordinal).Count() != grant.Roles.Count) throw new ArgumentException($"address {grant.Address}: a role is granted twice", nameof(roles));
            foreach (var role in grant.Roles)
                if (role.Length == 0 || role.Length > ModuleSet.RoleNameLengthMax) throw new ArgumentException($"address {grant.Address}: role name '{role}' is not 1..{ModuleSet.RoleNameLengthMax} characters", nameof(roles));
        }
        for (int i = 0; i < sections.Count; i++)
        {
            if (sections[i].Module == ModuleId.None) throw new ArgumentException("a genesis section for module 0", nameof(sections));
            if (i > 0 && sections[i].Module.Value <= sections[i - 1].Module.Value) throw new ArgumentException("genesis sections must be in ascending module order, each once", nameof(sections));
            if (sections[i].Data.Length > SectionBytesMax) throw new ArgumentException($"genesis section of module {sections[i].Module} exceeds {SectionBytesMax} bytes", nameof(sections));
        }
        Id = chainId;
        TimeMs = timeMs;
        Validators = validators;
        Roles = roles;
        Sections = sections;
        Fees = fees;
        Hash = Sha256.Hash(ToBytes());
    }

    public string Id { get; }
    public long TimeMs { get; }
    public ValidatorSet Validators { get; }
    public IReadOnlyList<RoleGrant> Roles { get; }
    public IReadOnlyList<GenesisSection> Sections { get; }
    /// <summary>What inclusion costs from block 1 on (<see cref="FeeSchedule.None"/>: free, for test chains).</summary>
    public FeeSchedule Fees { get; }
    public Hash32 Hash { get; }

    /// <summary>The section of <paramref name="module"/>, empty when the genesis has none.</summary>
    public ReadOnlySpan<byte> SectionOf(ModuleId module)
    {
        foreach (var s in Sections) if (s.Module == module) return s.Data;
        return [];
    }

    /// <summary>
    /// Writes the genesis state: the role grants, then each module's section in the module set's
    /// order. Throws <see cref="ArgumentException"/> when the genesis names a module or a role that
    /// <paramref name="modules"/> does not have: a node must not start a chain it cannot run.
    /// </summary>
    public void ApplyTo(IStateView state, ModuleSet modules)
    {
        foreach (var section in Sections)
            if (modules.Find(section.Module) is null) throw new ArgumentException($"the genesis has a section for module {section.Module}, which this node does not run");
        foreach (var grant in Roles)
            foreach (var role in grant.Roles)
                if (!modules.Roles.Contains(role)) throw new ArgumentException($"the genesis grants role '{role}', which no module declares ({string.Join(", ", modules.Roles.Order(StringComparer.Ordinal))})");
        if (!Fees.IsFree && modules.NativeAsset is null) throw new ArgumentException("the genesis sets fees, but no module of this node holds the native asset to pay them in");
        FeeRecord.Store(state, Fees);
        foreach (var grant in Roles)
            foreach (var role in grant.Roles)
                RoleRecord.Grant(state, role, grant.Address);
        foreach (var module in modules.Modules)
        {
            var scratch = new OverlayView(state);
            try
            {
                module.InitGenesis(SectionOf(module.Id), scratch);
            }
            catch (CodecException e)
            {
                throw new ArgumentException($"genesis section of module {module.Name}: {e.Message}", e);
            }
            foreach (var key in scratch.WrittenKeys)
                Invariant.Check(modules.MayWrite(module.Id, key), $"module {module.Name} wrote genesis state key {Convert.ToHexStringLower(key)} outside the prefixes it may write");
            scratch.Flush();
        }
    }

    public byte[] ToBytes()
    {
        long sectionBytes = 0;
        foreach (var s in Sections) sectionBytes += s.Data.Length + 5;
        var w = new CanonicalWriter((int)Math.Min(int.MaxValue, 256 + FeeSchedule.EncodedBytes + Roles.Count * 64 + sectionBytes));
        w.WriteString(Id);
        w.WriteI64(TimeMs);
        Validators.Encode(w);
        w.WriteCount(Roles.Count);
        foreach (var grant in Roles)
        {
            w.WriteAddress(grant.Address);
            w.WriteCount(grant.Roles.Count);
            foreach (var role in grant.Roles) w.WriteString(role);
        }
        w.WriteCount(Sections.Count);
        foreach (var section in Sections)
        {
            w.WriteU8(section.Module.Value);
            w.WriteBytes(section.Data);
        }
        // Only when set: a free chain's genesis encodes (and hashes) as it did before fees existed.
        if (Fees != FeeSchedule.None) Fees.Encode(w);
        return w.ToArray();
    }

    public static Genesis Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        string chainId = r.ReadString(Limits.ChainIdBytesMax, "chain id");
        long time = r.ReadI64("genesis time");
        var validators = ValidatorSet.Decode(ref r);
        int m = r.ReadCount(RoleGrantsMax, Address.Size + 4, "role grants");
        var roles = new RoleGrant[m];
        for (int i = 0; i < m; i++)
        {
            var address = r.ReadAddress();
            int n = r.ReadCount(RolesPerGrantMax, 2, "roles");
            var names = new string[n];
            for (int j = 0; j < n; j++) names[j] = r.ReadString(ModuleSet.RoleNameLengthMax, "role");
            roles[i] = new RoleGrant(address, names);
        }
        int k = r.ReadCount(255, 5, "genesis sections");
        var sections = new GenesisSection[k];
        for (int i = 0; i < k; i++) sections[i] = new GenesisSection(new ModuleId(r.ReadU8("section module")), r.ReadBytes(SectionBytesMax, "genesis section"));
        var fees = FeeSchedule.None;
        if (r.Remaining > 0)
        {
            fees = FeeSchedule.Decode(ref r);
            if (fees == FeeSchedule.None) throw new CodecException("genesis: an empty fee schedule is encoded by leaving it out");
        }
        r.End("genesis");
        try
        {
            return new Genesis(chainId, time, validators, roles, sections, fees);
        }
        catch (ArgumentException e)
        {
            throw new CodecException(e.Message);
        }
    }
}
