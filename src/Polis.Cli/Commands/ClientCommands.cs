using System.CommandLine;
using System.Text.Json;
using Polis.Client.Api;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution.Accounts;
using Polis.Client.Config;
using Polis.Node.Config;
using Spectre.Console;

namespace Polis.Cli.Commands;

/// <summary>`polis status`, `polis tx transfer`, `polis account show`, `polis block show`: talk to a node's API.</summary>
public static class ClientCommands
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };

    private static Option<string> NodeOption() => new("--node") { Description = "the node's API URL", DefaultValueFactory = _ => "http://127.0.0.1:26601" };

    public static IEnumerable<Command> Create()
    {
        yield return Status();
        yield return Tx();
        yield return Account();
        yield return BlockCommand();
    }

    private static Command Status()
    {
        var node = NodeOption();
        var command = new Command("status", "Show a node's status.") { node };
        command.SetAction((parse, cancel) => Call(parse.GetValue(node)!, async api =>
        {
            var s = await api.GetJsonAsync("v1/status", cancel);
            var table = new Table().AddColumns("field", "value").HideHeaders();
            foreach (var name in new[] { "chainId", "moniker", "nodeId", "validatorAddress", "height", "latestBlockId", "stateRoot", "round", "syncing", "mempoolSize" })
                table.AddRow(name, Markup.Escape(s.GetProperty(name).ToString()));
            table.AddRow("peers", s.GetProperty("peers").GetArrayLength().ToString());
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static Command Tx()
    {
        var node = NodeOption();
        var from = new Option<string>("--from") { Description = "the sender's key file", Required = true };
        var to = new Option<string>("--to") { Description = "the recipient's address (polis1…)", Required = true };
        var amount = new Option<ulong>("--amount") { Description = "CITY to send", Required = true };
        var wait = new Option<bool>("--wait") { Description = "wait until the transfer is committed and show its result" };
        var transfer = new Command("transfer", "Sign and submit a transfer of CITY.") { node, from, to, amount, wait };
        transfer.SetAction((parse, cancel) => Call(parse.GetValue(node)!, async api =>
        {
            if (!Address.TryParse(parse.GetValue(to), out var recipient, out string error)) return CliOutput.Fail($"--to: {error}", CliOutput.UsageError);
            if (parse.GetValue(amount) == 0) return CliOutput.Fail("--amount must be positive", CliOutput.UsageError);
            KeyPair key;
            try { key = KeyFile.Load(parse.GetValue(from)!); }
            catch (Exception e) when (e is FormatException or IOException) { return CliOutput.Fail(e.Message); }
            using (key)
            {
                var status = await api.GetJsonAsync("v1/status", cancel);
                string chainId = status.GetProperty("chainId").GetString()!;
                var account = await api.GetJsonAsync($"v1/accounts/{key.Address}", cancel);
                ulong nonce = account.GetProperty("nonce").GetUInt64();
                var tx = Transaction.Create(chainId, key, nonce, ModuleId.Accounts, new TransferBody(recipient, parse.GetValue(amount)).ToBytes());
                var (code, message) = await api.SubmitTxAsync(tx.Encoded, cancel);
                if (code != 202) return CliOutput.Fail(message.Length > 0 ? message : $"HTTP {code}");
                Console.WriteLine($"submitted {tx.Hash} (nonce {nonce})");
                if (!parse.GetValue(wait)) return 0;
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (DateTime.UtcNow < deadline)
                {
                    try
                    {
                        var found = await api.GetJsonAsync($"v1/txs/{tx.Hash}", cancel);
                        if (found.GetProperty("status").GetString() == "committed")
                        {
                            string result = found.GetProperty("result").GetString()!;
                            Console.WriteLine($"committed at height {found.GetProperty("height")}: {result} {found.GetProperty("message").GetString()}");
                            return result == "Ok" ? 0 : 1;
                        }
                    }
                    catch (NodeApiException)
                    {
                    }
                    await Task.Delay(200, cancel);
                }
                return CliOutput.Fail("not committed within 30 s");
            }
        }));
        return new Command("tx", "Build, sign and submit transactions.") { transfer };
    }

    private static Command Account()
    {
        var node = NodeOption();
        var address = new Argument<string>("address") { Description = "an address (polis1…)" };
        var show = new Command("show", "Show an account's balance and nonce.") { node, address };
        show.SetAction((parse, cancel) => Call(parse.GetValue(node)!, async api =>
        {
            if (!Address.TryParse(parse.GetValue(address), out var parsed, out string error)) return CliOutput.Fail(error, CliOutput.UsageError);
            var a = await api.GetJsonAsync($"v1/accounts/{parsed}", cancel);
            Console.WriteLine($"address {a.GetProperty("address").GetString()}");
            Console.WriteLine($"balance {a.GetProperty("balance")} CITY");
            Console.WriteLine($"nonce   {a.GetProperty("nonce")}");
            Console.WriteLine($"height  {a.GetProperty("height")}");
            return 0;
        }));
        return new Command("account", "Query accounts.") { show };
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
            return CliOutput.Fail(e.Message);
        }
    }
}
