using System.CommandLine;
using Polis.City;
using Polis.Client.Config;
using Polis.Modules;
using Polis.Modules.Accounts;
using Polis.Modules.Cli;

namespace Polis.Cli.Commands;

/// <summary>`polis genesis`: a genesis file from the validators' public keys and the initial allocations.</summary>
public static class GenesisCommand
{
    public const ulong DefaultFeePerTransaction = 1_000;
    public const ulong DefaultFeePerByte = 10;

    public static Command Create()
    {
        var chainId = new Option<string>("--chain-id") { Description = "the chain's id", Required = true };
        var validators = new Option<string[]>("--validator") { Description = "NAME=PUBLICKEYHEX[:POWER] (repeatable)", Required = true };
        var allocations = new Option<string[]>("--alloc") { Description = "ADDRESS=AMOUNT of CITY at genesis (repeatable)" };
        var roles = new Option<string[]>("--role") { Description = "ADDRESS=ROLE[,ROLE]: device-owner (registers devices), gateway-operator (registers gateways) (repeatable)" };
        var feeCollector = new Option<string?>("--fee-collector") { Description = "ADDRESS the fees go to (the treasury's account); required unless --no-fees" };
        var feePerTx = new Option<ulong>("--fee-per-tx") { Description = "fee per transaction, in base units of CITY", DefaultValueFactory = _ => DefaultFeePerTransaction };
        var feePerByte = new Option<ulong>("--fee-per-byte") { Description = "fee per byte of a transaction, in base units of CITY", DefaultValueFactory = _ => DefaultFeePerByte };
        var noFees = new Option<bool>("--no-fees") { Description = "a free chain (tests only: anyone can then fill the mempool and the blocks)" };
        var output = new Option<string>("--out") { Description = "where to write the genesis file", DefaultValueFactory = _ => "genesis.json" };
        var command = new Command("genesis", "Write a genesis file.") { chainId, validators, allocations, roles, feeCollector, feePerTx, feePerByte, noFees, output };
        command.SetAction(parse =>
        {
            var file = new GenesisFile { ChainId = parse.GetValue(chainId)!, GenesisTimeMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() };
            try
            {
                foreach (var v in parse.GetValue(validators)!) file.Validators.Add(ParseValidator(v));
                var balances = new AccountsGenesis();
                foreach (var a in parse.GetValue(allocations) ?? []) balances.Balances.Add(ParseAllocation(a));
                if (balances.Balances.Count > 0) file.SetModule(AccountsKeys.Name, balances);
                foreach (var r in parse.GetValue(roles) ?? []) file.Roles.Add(ParseRole(r));
                string? collector = parse.GetValue(feeCollector);
                if (parse.GetValue(noFees))
                {
                    if (collector is not null) throw new FormatException("--no-fees and --fee-collector contradict each other");
                }
                else
                {
                    if (collector is null) throw new FormatException("give --fee-collector ADDRESS (the account fees go to), or --no-fees for a test chain");
                    file.Fees = new GenesisFile.GenesisFees { PerTransaction = parse.GetValue(feePerTx), PerByte = parse.GetValue(feePerByte), Collector = collector };
                }
                var genesis = file.ToGenesis(CityModules.Create());
                file.Save(parse.GetValue(output)!);
                Console.WriteLine($"chain {genesis.Id}, {genesis.Validators.Count} validators, genesis hash {genesis.Hash}");
                return 0;
            }
            catch (FormatException e)
            {
                return CliOutput.Fail(e.Message, CliOutput.UsageError);
            }
        });
        return command;
    }

    private static GenesisFile.GenesisValidator ParseValidator(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0) throw new FormatException($"--validator '{text}' is not NAME=PUBLICKEY[:POWER]");
        string rest = text[(eq + 1)..];
        ulong power = 1;
        int colon = rest.IndexOf(':');
        if (colon >= 0)
        {
            if (!ulong.TryParse(rest[(colon + 1)..], out power)) throw new FormatException($"--validator '{text}': power is not a number");
            rest = rest[..colon];
        }
        return new GenesisFile.GenesisValidator { Name = text[..eq], PublicKey = rest, Power = power };
    }

    private static AccountsGenesis.GenesisBalance ParseAllocation(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0 || !ulong.TryParse(text[(eq + 1)..], out ulong amount)) throw new FormatException($"--alloc '{text}' is not ADDRESS=AMOUNT");
        return new AccountsGenesis.GenesisBalance { Address = text[..eq], Amount = amount };
    }

    private static GenesisFile.GenesisRoleGrant ParseRole(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0 || eq == text.Length - 1) throw new FormatException($"--role '{text}' is not ADDRESS=ROLE[,ROLE]");
        return new GenesisFile.GenesisRoleGrant { Address = text[..eq], Roles = [.. text[(eq + 1)..].Split(',', StringSplitOptions.TrimEntries)] };
    }
}
