using System.CommandLine;
using Polis.Cli.Commands;

var root = new RootCommand("polis: a city run on a Byzantine-fault-tolerant ledger");
root.Subcommands.Add(SimCommand.Create());
return root.Parse(args).Invoke();
