using System.CommandLine;

namespace Polis.Cli.Commands;

/// <summary>Adds a module's command to the root; a command of the same name that is already there gets the new one's subcommands (`polis gateway run` is the CLI's, `polis gateway register` the Devices module's).</summary>
internal static class CommandMerge
{
    public static void Add(Command parent, Command command)
    {
        var existing = parent.Subcommands.FirstOrDefault(c => c.Name == command.Name);
        if (existing is null)
        {
            parent.Subcommands.Add(command);
            return;
        }
        if (command.Action is not null || command.Options.Count > 0 || command.Arguments.Count > 0)
            throw new InvalidOperationException($"command '{command.Name}' is defined twice");
        foreach (var sub in command.Subcommands.ToList()) Add(existing, sub);
    }
}
