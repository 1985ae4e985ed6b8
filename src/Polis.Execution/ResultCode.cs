using Polis.Core.Ledger;

namespace Polis.Execution;

/// <summary>
/// A transaction's outcome, namespaced by module as Cosmos SDK's codespaces are: the module that
/// defines it (<see cref="ModuleId.None"/> for the executor's own codes), a number that module never
/// reuses, and its full name (<c>accounts.insufficient-funds</c>). The name travels with the code
/// into the transaction index so an API shows it without knowing the module; equality is on the
/// module and number alone.
/// </summary>
public readonly struct ResultCode : IEquatable<ResultCode>
{
    public const int NameBytesMax = 64;

    public ResultCode(ModuleId space, ushort value, string name)
    {
        if (name.Length == 0 || name.Length > NameBytesMax || !System.Text.Ascii.IsValid(name)) throw new ArgumentException($"a result name has 1..{NameBytesMax} ASCII characters", nameof(name));
        Space = space;
        Value = value;
        _name = name;
    }

    /// <summary>The module that defines the code; <see cref="ModuleId.None"/> for the executor's.</summary>
    public ModuleId Space { get; }
    public ushort Value { get; }
    /// <summary>Module name, a dot, then the code's own name in kebab case: <c>devices.not-found</c>; <c>ok</c> for success.</summary>
    public string Name => _name ?? "ok"; // default(ResultCode) is Ok
    private readonly string? _name;

    public bool IsOk => Space == ModuleId.None && Value == 0;

    /// <summary>A code of module <paramref name="module"/> named <c>{moduleName}.{name}</c>.</summary>
    public static ResultCode Of(ModuleId module, string moduleName, ushort value, string name) => new(module, value, $"{moduleName}.{name}");

    public bool Equals(ResultCode other) => Space == other.Space && Value == other.Value;
    public override bool Equals(object? obj) => obj is ResultCode other && Equals(other);
    public override int GetHashCode() => (Space.Value << 16) | Value;
    public static bool operator ==(ResultCode a, ResultCode b) => a.Equals(b);
    public static bool operator !=(ResultCode a, ResultCode b) => !a.Equals(b);
    public override string ToString() => Name;
}
