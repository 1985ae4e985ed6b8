using System.CommandLine;
using Polis.City;
using Polis.Cli.Commands;

var root = new RootCommand("polis: a city run on a Byzantine-fault-tolerant ledger");
root.Subcommands.Add(SimCommand.Create());
root.Subcommands.Add(DevnetCommand.Create());
root.Subcommands.Add(NodeCommand.Create());
root.Subcommands.Add(GatewayCommand.Create());
root.Subcommands.Add(InitCommand.Create());
root.Subcommands.Add(GenesisCommand.Create());
root.Subcommands.Add(KeysCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(VerifyCommand.Create());
foreach (var command in ClientCommands.Create()) root.Subcommands.Add(command);
// Each module brings its own commands (`polis device …`, `polis tx transfer`, `polis gateway register`).
foreach (var module in CityModules.Create())
    foreach (var command in module.Commands()) CommandMerge.Add(root, command);
var parsed = root.Parse(args.Length == 0 ? ["--help"] : args);
// Asking for help prints help whatever else is wrong; any other parse error is one line and exit 2.
if (parsed.Errors.Count > 0 && !args.Any(a => a is "--help" or "-h" or "-?"))
    return Polis.Modules.Cli.CliOutput.Fail(Polis.Cli.ParseErrors.Describe(parsed), Polis.Modules.Cli.CliOutput.UsageError);
return await parsed.InvokeAsync();
