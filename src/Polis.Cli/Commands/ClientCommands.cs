using System.CommandLine;
using System.Text.Json;
using Polis.Client.Api;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Modules.Accounts;
using Polis.Client.Config;
using Polis.Node.Config;
using Spectre.Console;
using Polis.Modules.Cli;

namespace Polis.Cli.Commands;

/// <summary>`polis status`, `polis block show`: talk to a node's API (each module adds its own commands).</summary>
public static class ClientCommands
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };

    private static Option<string> NodeOption() => Polis.Modules.Cli.ModuleCommands.NodeOption();

    public static IEnumerable<Command> Create()
    {
        yield return Status();
        yield return BlockCommand();
    }

    private static Command Status()
    {
        var node = NodeOption();
        var command = new Command("status", "Show a node's status.") { node };
        command.SetAction((parse, cancel) => Call(parse.GetValue(node)!, async api =>
        {
            var s = await api.GetJsonAsync("v1/status", cancel);
            // A borderless grid with short labels: a 64-digit hex id stays on one line of an 80-column terminal.
            var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
            foreach (var (label, name) in new[] { ("chain", "chainId"), ("moniker", "moniker"), ("node id", "nodeId"), ("validator", "validatorAddress"), ("height", "height"),
                ("latest block", "latestBlockId"), ("state root", "stateRoot"), ("round", "round"), ("syncing", "syncing"), ("mempool", "mempoolSize") })
                grid.AddRow(label, Markup.Escape(s.GetProperty(name).ToString()));
            grid.AddRow("peers", s.GetProperty("peers").GetArrayLength().ToString());
            AnsiConsole.Write(grid);
            return 0;
        }));
        return command;
    }

    private static Command BlockCommand()
    {
        var node = NodeOption();
        var height = new Argument<ulong?>("height") { Description = "the height (default: latest)", Arity = ArgumentArity.ZeroOrOne };
        var show = new Command("show", "Show a block as JSON.") { node, height };
        show.SetAction((parse, cancel) => Call(parse.GetValue(node)!, async api =>
        {
            ulong? h = parse.GetValue(height);
            var block = await api.GetJsonAsync(h is null ? "v1/blocks/latest" : $"v1/blocks/{h}", cancel);
            Console.WriteLine(JsonSerializer.Serialize(block, Pretty));
            return 0;
        }));
        return new Command("block", "Query blocks.") { show };
    }

    private static async Task<int> Call(string url, Func<NodeClient, Task<int>> action)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out _)) return CliOutput.Fail($"--node '{url}' is not a URL", CliOutput.UsageError);
        using var api = new NodeClient(url);
        try
        {
            return await action(api);
        }
        catch (NodeApiException e)
        {
            return CliOutput.Fail(e.Message + (e.Status == 0 ? Polis.Modules.Cli.NodeDefault.Hint(url) : ""));
        }
    }
}
