using Polis.Client.Config;
using Polis.Execution;

namespace Polis.Modules;

/// <summary>Turns the genesis file into the canonical genesis of a module set: each module reads its own section.</summary>
public static class GenesisLoader
{
    /// <summary>Checks everything and builds the genesis; a <see cref="FormatException"/> names the first problem.</summary>
    public static Polis.Execution.Genesis ToGenesis(this GenesisFile file, IReadOnlyList<CityModule> modules)
    {
        var validators = file.ToValidatorSet();
        var declared = new HashSet<string>(modules.SelectMany(m => m.Roles), StringComparer.Ordinal);
        var roles = new List<RoleGrant>();
        foreach (var (address, names) in file.ParseRoles())
        {
            foreach (string name in names)
                if (!declared.Contains(name))
                    throw new FormatException($"role grant for {address}: unknown role '{name}' ({string.Join(", ", declared.Order(StringComparer.Ordinal))})");
            roles.Add(new RoleGrant(address, names));
        }
        if (file.ChainId is null) throw new FormatException("genesis has no chainId");
        if (file.Modules is null) throw new FormatException("genesis modules is null (leave it out, or give an object)");
        var sections = new List<GenesisSection>();
        foreach (var (name, json) in file.Modules)
        {
            var module = modules.FirstOrDefault(m => m.Name == name)
                ?? throw new FormatException($"genesis has a section for module '{name}', which this node does not run ({string.Join(", ", modules.Select(m => m.Name))})");
            byte[] bytes;
            try
            {
                bytes = module.GenesisFromJson(json);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or ArgumentException)
            {
                throw new FormatException($"genesis section '{name}': {e.Message}");
            }
            catch (FormatException e)
            {
                throw new FormatException($"genesis section '{name}': {e.Message}");
            }
            if (bytes.Length > 0) sections.Add(new GenesisSection(module.Id, bytes));
        }
        sections.Sort((a, b) => a.Module.Value.CompareTo(b.Module.Value));
        var fees = Polis.Execution.Fees.FeeSchedule.None;
        if (file.Fees is { } given)
        {
            var (perTransaction, perByte, collector) = given.Parse();
            fees = new Polis.Execution.Fees.FeeSchedule(perTransaction, perByte, collector);
        }
        try
        {
            var genesis = new Polis.Execution.Genesis(file.ChainId, file.GenesisTimeMs, validators, roles, sections, fees);
            // Each module checks its own section the way the chain will apply it, so a bad file fails here, not at the first start.
            var modulesSet = new ModuleSet(modules);
            genesis.ApplyTo(new OverlayView(EmptyState.Instance), modulesSet);
            return genesis;
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"genesis: {e.Message}");
        }
    }

    private sealed class EmptyState : IStateView
    {
        public static readonly EmptyState Instance = new();
        public byte[]? Get(ReadOnlySpan<byte> key) => null;
        public void Put(byte[] key, byte[] value) { }
        public void Delete(byte[] key) { }
    }
}
