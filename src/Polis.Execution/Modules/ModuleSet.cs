using System.Text;
using Polis.Core;
using Polis.Core.Ledger;
using Polis.Execution.Auth;
using Polis.Execution.Roles;

namespace Polis.Execution;

/// <summary>
/// The modules a chain runs, in the order their block hooks run, checked once when the node, the
/// simulator or a test composes them: ids and names unique, state-key prefixes that no other
/// module's (nor the executor's own) can collide with, result codes in each module's own
/// namespace, role names declared once. The one place where state-key prefixes are registered.
/// </summary>
public sealed class ModuleSet
{
    public const int NameLengthMax = 32;
    public const int RoleNameLengthMax = 48;

    /// <summary>State prefixes the executor itself owns: every account's nonce, the roles granted, evidence, and the chain parameters (the fee schedule).</summary>
    public static IReadOnlyList<string> FrameworkPrefixes { get; } = [NonceRecord.Prefix, RoleRecord.Prefix, Evidence.EvidenceRecord.Prefix, Fees.FeeRecord.Prefix];

    private readonly IModule?[] _byId = new IModule?[256];
    /// <summary>Per module id: the prefixes it may write under (its own, those of the modules it writes through, role/ if it grants roles).</summary>
    private readonly byte[][]?[] _writeScopes = new byte[][]?[256];
    /// <summary>Per module id: the result codes it may answer with (its declared ones and the executor's).</summary>
    private readonly HashSet<ResultCode>?[] _codes = new HashSet<ResultCode>?[256];
    /// <summary>Names the chain's own routes use under /v1/: a module of that name would shadow them.</summary>
    private static readonly string[] ReservedNames = ["status", "validators", "blocks", "txs", "nonces", "fees", "state", "events", "readings", "gateway", "openapi", "metrics"];
    private readonly HashSet<string> _roles = new(StringComparer.Ordinal);

    public ModuleSet(IReadOnlyList<IModule> modules)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var owners = new List<(string Prefix, string Owner)>();
        foreach (var prefix in FrameworkPrefixes) owners.Add((prefix, "the executor"));
        foreach (var module in modules)
        {
            if (module.Id == ModuleId.None) throw new ArgumentException($"module '{module.Name}' uses the reserved id 0");
            if (_byId[module.Id.Value] is { } other) throw new ArgumentException($"modules '{other.Name}' and '{module.Name}' share id {module.Id}");
            if (!IsName(module.Name, NameLengthMax)) throw new ArgumentException($"module name '{module.Name}' is not 1..{NameLengthMax} of a-z, 0-9, '-' starting with a letter");
            if (!names.Add(module.Name)) throw new ArgumentException($"two modules are named '{module.Name}'");
            if (ReservedNames.Contains(module.Name)) throw new ArgumentException($"module name '{module.Name}' is one of the chain's own routes ({string.Join(", ", ReservedNames)})");
            if (module.BodyBytesMax <= 0 || module.BodyBytesMax > Polis.Core.Limits.TxBodyBytesMax) throw new ArgumentException($"module '{module.Name}': body limit {module.BodyBytesMax} is not 1..{Polis.Core.Limits.TxBodyBytesMax} bytes");
            if (module.StatePrefixes.Count == 0) throw new ArgumentException($"module '{module.Name}' registers no state prefix");
            foreach (var prefix in module.StatePrefixes)
            {
                if (prefix.Length < 2 || !prefix.EndsWith('/') || !Ascii.IsValid(prefix)) throw new ArgumentException($"module '{module.Name}': state prefix '{prefix}' must be ASCII ending in '/'");
                foreach (var (taken, owner) in owners)
                    if (taken.StartsWith(prefix, StringComparison.Ordinal) || prefix.StartsWith(taken, StringComparison.Ordinal))
                        throw new ArgumentException($"state prefix '{prefix}' of module '{module.Name}' collides with '{taken}' of {owner}");
                owners.Add((prefix, $"module '{module.Name}'"));
            }
            foreach (var code in module.ResultCodes)
                if (code.Space != module.Id || !code.Name.StartsWith(module.Name + ".", StringComparison.Ordinal))
                    throw new ArgumentException($"module '{module.Name}': result code {code.Name} is not in its namespace ({module.Name}., module {module.Id})");
            foreach (var role in module.Roles)
            {
                if (!IsName(role, RoleNameLengthMax)) throw new ArgumentException($"module '{module.Name}': role name '{role}' is not 1..{RoleNameLengthMax} of a-z, 0-9, '-'");
                if (!_roles.Add(role)) throw new ArgumentException($"role '{role}' is declared twice");
            }
            _byId[module.Id.Value] = module;
        }
        Modules = [.. modules];
        NativeAsset = modules.OfType<INativeAsset>().SingleOrDefault();
        foreach (var module in modules)
        {
            var scope = new List<string>(module.StatePrefixes);
            foreach (string other in module.WritesStateOf)
            {
                var owner = modules.FirstOrDefault(m => m.Name == other)
                    ?? throw new ArgumentException($"module '{module.Name}' writes the state of module '{other}', which is not in the set");
                scope.AddRange(owner.StatePrefixes);
            }
            if (module.GrantsRoles) scope.Add(RoleRecord.Prefix);
            _writeScopes[module.Id.Value] = scope.Select(Encoding.ASCII.GetBytes).ToArray();
            _codes[module.Id.Value] = [.. module.ResultCodes, .. ExecutionResults.All];
        }
    }

    /// <summary>In block-hook order.</summary>
    public IReadOnlyList<IModule> Modules { get; }

    /// <summary>The module holding the native asset's balances, if one runs.</summary>
    public INativeAsset? NativeAsset { get; }

    /// <summary>Role names some module declared.</summary>
    public IReadOnlySet<string> Roles => _roles;

    public IModule? Find(ModuleId id) => _byId[id.Value];

    public IModule? Find(string name)
    {
        foreach (var m in Modules) if (m.Name == name) return m;
        return null;
    }

    /// <summary>A module's name, or its number when this chain runs no such module.</summary>
    public string NameOf(ModuleId id) => Find(id)?.Name ?? id.ToString();

    /// <summary>Whether <paramref name="module"/> may write <paramref name="key"/>: under its own prefixes, those of the modules it writes through, or role/ if it grants roles.</summary>
    public bool MayWrite(ModuleId module, ReadOnlySpan<byte> key) => _writeScopes[module.Value] is { } scope && StartsWithAny(key, scope);

    /// <summary>Whether <paramref name="module"/> may answer with <paramref name="code"/>.</summary>
    public bool Declares(ModuleId module, ResultCode code) => _codes[module.Value]?.Contains(code) == true;

    private static bool StartsWithAny(ReadOnlySpan<byte> key, byte[][] prefixes)
    {
        foreach (var prefix in prefixes)
            if (key.StartsWith(prefix)) return true;
        return false;
    }

    private static bool IsName(string name, int max)
    {
        if (name.Length == 0 || name.Length > max || name[0] is < 'a' or > 'z') return false;
        foreach (char c in name)
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')) return false;
        return true;
    }
}
