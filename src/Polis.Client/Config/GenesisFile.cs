using System.Text.Json;
using System.Text.Json.Serialization;
using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Client.Config;

/// <summary>
/// The genesis as people edit and share it (JSON): the chain id, start time and validators, the
/// roles granted to accounts, and one section per module under <c>modules</c> (each module reads
/// its own: <c>modules.accounts.balances</c>, …). Every node derives the same canonical genesis from
/// it with its module set; its hash (of the canonical encoding, not of the JSON) is what block 1
/// commits to. A light client needs only the chain id and validators (<see cref="ToValidatorSet"/>).
/// A key the format does not have is refused, not ignored: a misspelt or outdated key (the
/// top-level <c>allocations</c> of earlier releases) must not leave accounts unfunded in silence.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class GenesisFile
{
    private const long FileBytesMax = 64L * 1024 * 1024;

    [JsonPropertyName("chainId")] public string ChainId { get; set; } = "";
    [JsonPropertyName("genesisTimeMs")] public long GenesisTimeMs { get; set; }
    [JsonPropertyName("validators")] public List<GenesisValidator> Validators { get; set; } = [];
    /// <summary>Roles granted to accounts, by the names modules declare ("device-owner", "gateway-operator", …).</summary>
    [JsonPropertyName("roles")] public List<GenesisRoleGrant> Roles { get; set; } = [];
    /// <summary>What inclusion costs, in base units of CITY (leave it out for a free test chain).</summary>
    [JsonPropertyName("fees")] public GenesisFees? Fees { get; set; }
    /// <summary>Each module's section, by module name; the module defines its shape.</summary>
    [JsonPropertyName("modules")] public SortedDictionary<string, JsonElement> Modules { get; set; } = new(StringComparer.Ordinal);

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed class GenesisValidator
    {
        [JsonPropertyName("name")] public string Name { get; set; } = "";
        [JsonPropertyName("publicKey")] public string PublicKey { get; set; } = "";
        [JsonPropertyName("power")] public ulong Power { get; set; }
    }

    /// <summary>
    /// The fee a transaction's sender pays: <c>perTransaction + perByte × its encoded bytes</c>,
    /// whether it succeeds or not, credited to <c>collector</c> (the city treasury's account).
    /// </summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed class GenesisFees
    {
        [JsonPropertyName("perTransaction")] public ulong PerTransaction { get; set; }
        [JsonPropertyName("perByte")] public ulong PerByte { get; set; }
        [JsonPropertyName("collector")] public string Collector { get; set; } = "";

        /// <summary>The prices and the collector, checked; a <see cref="FormatException"/> says what is wrong.</summary>
        public (ulong PerTransaction, ulong PerByte, Address Collector) Parse()
        {
            if (Collector is null) throw new FormatException("fees: no collector (fees need an account to go to)");
            if (!Address.TryParse(Collector, out var collector, out string error)) throw new FormatException($"fees collector '{Collector}': {error}");
            if (PerTransaction == 0 && PerByte == 0) throw new FormatException("fees: perTransaction and perByte are both 0 (leave fees out for a free chain)");
            return (PerTransaction, PerByte, collector);
        }
    }

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed class GenesisRoleGrant
    {
        [JsonPropertyName("address")] public string Address { get; set; } = "";
        [JsonPropertyName("roles")] public List<string> Roles { get; set; } = [];
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The validators, checked; a <see cref="FormatException"/> names the first problem.</summary>
    public ValidatorSet ToValidatorSet()
    {
        if (Validators is null || Validators.Count == 0) throw new FormatException("genesis has no validators");
        if (Validators.Any(v => v is null || v.PublicKey is null || v.Name is null)) throw new FormatException("genesis: a validator is null or lacks a name or public key");
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
        try
        {
            return new ValidatorSet(validators);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"genesis validators: {e.Message}");
        }
    }

    /// <summary>Sets a module's section from any JSON-serializable value.</summary>
    public void SetModule<T>(string name, T section) => Modules[name] = JsonSerializer.SerializeToElement(section);

    /// <summary>A module's section read as <typeparamref name="T"/>, or null when the genesis has none.</summary>
    public T? GetModule<T>(string name) where T : class =>
        Modules.TryGetValue(name, out var section) ? section.Deserialize<T>() : null;

    /// <summary>The role grants, checked for address syntax; which role names exist is the module set's to say.</summary>
    public IReadOnlyList<(Address Address, IReadOnlyList<string> Roles)> ParseRoles()
    {
        if (Roles is null) throw new FormatException("genesis roles is null (leave it out, or give a list)");
        var grants = new List<(Address, IReadOnlyList<string>)>(Roles.Count);
        foreach (var g in Roles)
        {
            if (g?.Address is null || g.Roles is null || g.Roles.Any(r => r is null)) throw new FormatException("genesis: a role grant is null or lacks an address or roles");
            if (!Address.TryParse(g.Address, out var address, out string error)) throw new FormatException($"role grant address '{g.Address}': {error}");
            grants.Add((address, g.Roles));
        }
        return grants;
    }

    public static GenesisFile Load(string path) => JsonFile.Read<GenesisFile>(path, FileBytesMax, "genesis file");

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
    }
}
