using Polis.Execution;
using Polis.Modules;
using Polis.Modules.Accounts;
using Polis.Modules.Devices;

namespace Polis.City;

/// <summary>
/// The composition root: the modules a Polis city runs, in the order their block hooks run
/// (Cosmos SDK's app.go). Everything builds its module set here: the node, the simulator, the
/// CLI's commands, the tests. Adding a module is one line below (and its project reference).
/// </summary>
public static class CityModules
{
    /// <summary>Fresh instances of every module, in block-hook order.</summary>
    public static IReadOnlyList<CityModule> Create() =>
    [
        new AccountsModule(),
        new DevicesModule(),
    ];

    /// <summary>The checked module set of <see cref="Create"/>.</summary>
    public static ModuleSet Set() => new(Create());
}
