using System.CommandLine;
using Polis.Core.Crypto;
using Polis.Modules.Cli;

namespace Polis.Modules.Accounts;

/// <summary>`polis tx transfer` and `polis account show`.</summary>
internal static class AccountsCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return new Command("tx", "Build, sign and submit transactions.") { Transfer() };
        yield return Show();
    }

    private static Command Transfer()
    {
        var node = ModuleCommands.NodeOption();
        var from = ModuleCommands.FromOption("the sender's key file");
        var to = new Option<string>("--to") { Description = "the recipient's address (polis1…)", Required = true };
        var amount = new Option<ulong>("--amount") { Description = "CITY to send", Required = true };
        var wait = new Option<bool>("--wait") { Description = "wait until the transfer is committed and show its result" };
        var transfer = new Command("transfer", "Sign and submit a transfer of CITY.") { node, from, to, amount, wait };
        transfer.SetAction((parse, cancel) =>
        {
            if (!Address.TryParse(parse.GetValue(to), out var recipient, out string error)) return Task.FromResult(CliOutput.Fail($"--to: {error}", CliOutput.UsageError));
            if (parse.GetValue(amount) == 0) return Task.FromResult(CliOutput.Fail("--amount must be positive", CliOutput.UsageError));
            var body = new TransferBody(recipient, parse.GetValue(amount)).ToBytes();
            return ModuleCommands.Run(parse.GetValue(node)!, parse.GetValue(from)!, async (_, submitter) =>
            {
                if (parse.GetValue(wait)) return await ModuleCommands.SubmitAndReport(submitter, AccountsKeys.Module, body, "transfer", cancel);
                var tx = await submitter.SubmitAsync(AccountsKeys.Module, body, cancel);
                Console.WriteLine($"submitted {tx.Hash} (transfer, nonce {tx.Nonce})");
                return 0;
            });
        });
        return transfer;
    }

    private static Command Show()
    {
        var node = ModuleCommands.NodeOption();
        var address = new Argument<string>("address") { Description = "an address (polis1…)" };
        var show = new Command("show", "Show an account's balance and nonce.") { node, address };
        show.SetAction((parse, cancel) =>
        {
            if (!Address.TryParse(parse.GetValue(address), out var parsed, out string error)) return Task.FromResult(CliOutput.Fail(error, CliOutput.UsageError));
            return ModuleCommands.Query(parse.GetValue(node)!, async client =>
            {
                var a = await client.AccountAsync(parsed, cancel);
                Console.WriteLine($"address {a.Address}");
                Console.WriteLine($"balance {a.Balance} CITY");
                Console.WriteLine($"nonce   {a.Nonce}");
                Console.WriteLine($"height  {a.Height}");
                return 0;
            });
        });
        return new Command("account", "Query accounts.") { show };
    }
}
