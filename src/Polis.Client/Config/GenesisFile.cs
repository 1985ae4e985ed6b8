using System.Text.Json;
using System.Text.Json.Serialization;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Execution.Roles;

namespace Polis.Client.Config;

/// <summary>
/// The genesis as people edit and share it (JSON). Every node derives the same <see cref="Genesis"/>
/// from it; its hash (of the canonical encoding, not of the JSON) is what block 1 commits to.
/// </summary>
public sealed class GenesisFile
{
    private const long FileBytesMax = 64L * 1024 * 1024;

    [JsonPropertyName("chainId")] public string ChainId { get; set; } = "";
    [JsonPropertyName("genesisTimeMs")] public long GenesisTimeMs { get; set; }
    [JsonPropertyName("validators")] public List<GenesisValidator> Validators { get; set; } = [];
    [JsonPropertyName("allocations")] public List<GenesisAllocation> Allocations { get; set; } = [];
    /// <summary>Roles granted to accounts: "device-owner" (may register devices), "gateway-operator" (may register gateways).</summary>
    [JsonPropertyName("roles")] public List<GenesisRoleGrant> Roles { get; set; } = [];

    public sealed class GenesisValidator
    {
        [JsonPropertyName("name")] public string Name { get; set; } = "";
        [JsonPropertyName("publicKey")] public string PublicKey { get; set; } = "";
        [JsonPropertyName("power")] public ulong Power { get; set; }
    }

    public sealed class GenesisAllocation
    {
        [JsonPropertyName("address")] public string Address { get; set; } = "";
        [JsonPropertyName("amount")] public ulong Amount { get; set; }
    }

    public sealed class GenesisRoleGrant
    {
        [JsonPropertyName("address")] public string Address { get; set; } = "";
        [JsonPropertyName("roles")] public List<string> Roles { get; set; } = [];
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Checks everything and builds the genesis; a <see cref="FormatException"/> names the first problem.</summary>
    public Genesis ToGenesis()
    {
        if (Validators.Count == 0) throw new FormatException("genesis has no validators");
        var validators = new List<Validator>(Validators.Count);
        foreach (var v in Validators)
        {
            byte[] bytes;
            try { bytes = Convert.FromHexString(v.PublicKey); }
            catch (FormatException) { throw new FormatException($"validator '{v.Name}': public key is not hex"); }
            if (bytes.Length != Polis.Core.Crypto.PublicKey.Size) throw new FormatException($"validator '{v.Name}': public key is {bytes.Length} bytes, expected 32");
            if (v.Power == 0) throw new FormatException($"validator '{v.Name}': power must be positive");
            validators.Add(new Validator(Polis.Core.Crypto.PublicKey.FromBytes(bytes), v.Power));
        }
        var allocations = new List<(Address, ulong)>(Allocations.Count);
        foreach (var a in Allocations)
        {
            if (!Address.TryParse(a.Address, out var address, out string error)) throw new FormatException($"allocation address '{a.Address}': {error}");
            allocations.Add((address, a.Amount));
        }
        var grants = new List<(Address, AccountRoles)>(Roles.Count);
        foreach (var g in Roles)
        {
            if (!Address.TryParse(g.Address, out var address, out string error)) throw new FormatException($"role grant address '{g.Address}': {error}");
            var roles = AccountRoles.None;
            foreach (string name in g.Roles)
            {
                if (!RoleRecord.TryParse(name, out var role)) throw new FormatException($"role grant for {g.Address}: unknown role '{name}' (device-owner, gateway-operator)");
                roles |= role;
            }
            grants.Add((address, roles));
        }
        try
        {
            return new Genesis(ChainId, GenesisTimeMs, new ValidatorSet(validators), allocations, grants);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"genesis: {e.Message}");
        }
    }

    public static GenesisFile Load(string path) => JsonFile.Read<GenesisFile>(path, FileBytesMax, "genesis file");

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
    }
}
