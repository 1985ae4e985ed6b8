using System.CommandLine;
using Polis.Client.Config;
using Polis.Core.Crypto;
using Polis.Modules.Cli;

namespace Polis.Modules.Devices;

/// <summary>`polis gateway register`: an operator registers a gateway and the account that will anchor its batches.</summary>
internal static class GatewayRegisterCommand
{
    public static Command Create()
    {
        var node = DevicesCommands.NodeOption();
        var from = DevicesCommands.FromOption();
        var id = new Option<string>("--id") { Description = "the gateway id (a-z, 0-9, '.', '_', '-')", Required = true };
        var account = new Option<string>("--account") { Description = "the gateway's key file, or its address (polis1…): only this account may anchor for the gateway", Required = true };
        var command = new Command("register", "Register a gateway on chain (the signer needs the gateway-operator role).") { node, from, id, account };
        command.SetAction((parse, cancel) => ModuleCommands.Run(parse.GetValue(node)!, parse.GetValue(from)!, async (client, submitter) =>
        {
            string gatewayId = parse.GetValue(id)!;
            if (!EntityId.IsValid(gatewayId, out string idError)) return CliOutput.Fail($"--id: {idError}", CliOutput.UsageError);
            string accountText = parse.GetValue(account)!;
            Address address;
            if (File.Exists(accountText))
            {
                try { using var key = KeyFile.Load(accountText); address = key.Address; }
                catch (Exception e) when (e is FormatException or IOException) { return CliOutput.Fail(e.Message); }
            }
            else if (!Address.TryParse(accountText, out address, out string error))
            {
                return CliOutput.Fail($"--account is neither a key file nor an address: {error}", CliOutput.UsageError);
            }
            return await DevicesCommands.SubmitAndReport(submitter, new DevicesBody.RegisterGateway(gatewayId, address), cancel);
        }));
        return command;
    }
}
