using System.CommandLine;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Modules.Indexing;

namespace Polis.Modules;

/// <summary>
/// A city module whole: its state machine (<see cref="IModule"/>, run inside consensus) and its host
/// side (genesis from JSON, HTTP routes under <c>/v1/{Name}/</c>, CLI commands, how its bodies and
/// events read for people, node-side indexes). One subclass per module folder; the composition root
/// lists them. Everything but the state machine is optional.
/// </summary>
public abstract class CityModule : IModule
{
    public abstract ModuleId Id { get; }
    public abstract string Name { get; }
    public abstract IReadOnlyList<string> StatePrefixes { get; }
    public abstract IReadOnlyList<ResultCode> ResultCodes { get; }
    public virtual IReadOnlyList<string> Roles => [];
    public virtual IReadOnlyList<string> WritesStateOf => [];
    public virtual bool GrantsRoles => false;

    public virtual void InitGenesis(ReadOnlySpan<byte> section, IStateView state)
    {
        if (section.Length > 0) throw new ArgumentException($"module {Name} takes no genesis section");
    }

    public virtual void BeginBlock(in BlockContext block, IStateView state, EventLog events) { }

    public abstract TxResult Apply(Transaction tx, IStateView scratch, in BlockContext block, EventLog events);

    public virtual IReadOnlyList<ValidatorUpdate> EndBlock(in BlockContext block, IStateView state, EventLog events) => [];

    public virtual ulong NativeSpendOf(Transaction tx) => 0;
    public virtual int BodyBytesMax => Polis.Core.Limits.TxBodyBytesMax;

    /// <summary>
    /// This module's genesis section from the genesis file's <c>modules.{Name}</c> JSON, as the
    /// canonical bytes <see cref="InitGenesis"/> reads. A <see cref="FormatException"/> names what
    /// is wrong, for the operator.
    /// </summary>
    public virtual byte[] GenesisFromJson(JsonElement section) => throw new FormatException($"module {Name} takes no genesis section");

    /// <summary>Maps the module's HTTP routes on <paramref name="routes"/>, a group already under <c>/v1/{Name}</c>.</summary>
    public virtual void MapRoutes(IEndpointRouteBuilder routes, IModuleHost host) { }

    /// <summary>What the module's routes serve: the description of its tag in the API document.</summary>
    public virtual string RoutesDescription => $"The {Name} module's queries.";

    /// <summary>The module's CLI commands; a top-level command of the same name as another module's (or the CLI's own: <c>tx</c>, <c>gateway</c>) is merged with it.</summary>
    public virtual IEnumerable<Command> Commands() => [];

    /// <summary>A transaction body as JSON for people (a block explorer), or null to show only its hex.</summary>
    public virtual object? DescribeBody(ReadOnlySpan<byte> body) => null;

    /// <summary>An event's data as named attributes for people, or null to show only its hex.</summary>
    public virtual IReadOnlyDictionary<string, string>? DescribeEvent(ModuleEvent e) => null;

    /// <summary>
    /// Updates the module's node-side indexes (lookups state cannot answer, such as listing by id)
    /// for a decided block; the writes land in the same atomic batch as the block.
    /// </summary>
    public virtual void Index(CommittedBlock block, IIndexWriter index) { }
}
