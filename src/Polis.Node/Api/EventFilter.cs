using Microsoft.AspNetCore.Http;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Modules;
using Polis.Modules.Http;

namespace Polis.Node.Api;

/// <summary>
/// Which events a block's outcome shows (<c>?events=</c>): <c>all</c> (the default), <c>none</c>
/// (results only: what a follower counting commits needs), or one module's name (a gateway
/// follows only the devices module's). Every transaction's result is shown in each case.
/// </summary>
internal sealed class EventFilter
{
    public static readonly EventFilter All = new(null, true);
    public static readonly EventFilter None = new(null, false);

    private readonly ModuleId? _module;
    private readonly bool _any;

    private EventFilter(ModuleId? module, bool any) => (_module, _any) = (module, any);

    public bool Shows(ModuleEvent e) => _any && (_module is null || e.Module == _module);

    public bool ShowsAny => _any;

    public static bool TryParse(string? text, IReadOnlyList<CityModule> modules, out EventFilter filter, out IResult? error)
    {
        error = null;
        filter = All;
        if (text is null or "all") return true;
        if (text == "none")
        {
            filter = None;
            return true;
        }
        var module = modules.FirstOrDefault(m => m.Name == text);
        if (module is null)
        {
            error = ApiResults.BadRequest($"events '{ApiResults.Truncate(text)}' is not all, none or a module ({string.Join(", ", modules.Select(m => m.Name))})");
            return false;
        }
        filter = new EventFilter(module.Id, true);
        return true;
    }
}
