using System.CommandLine;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;
using Polis.Execution;

namespace Polis.Modules.Accounts;

/// <summary>
/// Accounts and the native asset CITY (Cosmos SDK's x/bank): balances per (asset, address) and
/// transfers of CITY. Nonces are the executor's; other assets are an assets module's, on the same
/// balance records (<see cref="Balances"/>).
/// </summary>
public sealed class AccountsModule : CityModule, INativeAsset
{
    public override ModuleId Id => AccountsKeys.Module;
    public override string Name => AccountsKeys.Name;
    public override IReadOnlyList<string> StatePrefixes { get; } = [AccountsKeys.BalancePrefix];
    public override IReadOnlyList<ResultCode> ResultCodes => AccountsResults.All;

    /// <summary>A transfer's body is an operation byte, an address and an amount: 29 bytes; the rest of the limit is room for a memo field later.</summary>
    public override int BodyBytesMax => 256;

    public override void InitGenesis(ReadOnlySpan<byte> section, IStateView state)
    {
        if (section.Length == 0) return;
        ulong supply = 0;
        foreach (var (address, amount) in AccountsGenesis.Decode(section))
        {
            // The supply fits in 64 bits, so no balance can overflow however the CITY moves (fees included).
            if (ulong.MaxValue - supply < amount) throw new ArgumentException("the genesis balances add up to more than 2^64 - 1 CITY");
            supply += amount;
            Balances.Set(state, AccountsKeys.NativeAsset, address, amount);
        }
    }

    public override byte[] GenesisFromJson(JsonElement section) =>
        (section.Deserialize<AccountsGenesis>() ?? throw new FormatException("the accounts section is null")).ToSection();

    public override TxResult Apply(Transaction tx, IStateView scratch, in BlockContext block, EventLog events)
    {
        if (!TryDecodeTransfer(tx.Body, out var transfer, out var failure)) return new TxResult(tx.Hash, failure.Code, failure.Message);
        if (transfer!.Amount == 0) return new TxResult(tx.Hash, AccountsResults.ZeroAmount, "transfer of zero");
        var from = tx.SenderAddress;
        var refused = Balances.Move(scratch, AccountsKeys.NativeAsset, from, transfer.To, transfer.Amount);
        if (refused is { } r) return new TxResult(tx.Hash, r.Code, r.Message);
        events.Emit(Id, TransferEvent.Type, new TransferEvent(AccountsKeys.NativeAsset, from, transfer.To, transfer.Amount).ToBytes());
        return TxResult.Ok(tx.Hash);
    }

    private static bool TryDecodeTransfer(ReadOnlySpan<byte> body, out TransferBody? transfer, out (ResultCode Code, string Message) failure)
    {
        transfer = null;
        failure = default;
        try
        {
            var r = new CanonicalReader(body);
            byte op = r.ReadU8("operation");
            if (op != (byte)AccountsOperation.Transfer)
            {
                failure = (ExecutionResults.UnknownOperation, $"unknown accounts operation {op}");
                return false;
            }
            transfer = TransferBody.Decode(ref r);
            return true;
        }
        catch (CodecException e)
        {
            failure = (ExecutionResults.MalformedBody, e.Message);
            return false;
        }
    }

    /// <summary>A transfer takes its amount of CITY; anything else of ours takes nothing.</summary>
    public override ulong NativeSpendOf(Transaction tx) => TryDecodeTransfer(tx.Body, out var transfer, out _) ? transfer!.Amount : 0;

    public ulong NativeBalance(IStateView state, in Address address) => Balances.Get(state, AccountsKeys.NativeAsset, address);

    public bool TryTake(IStateView state, in Address payer, ulong amount) => Balances.TryTake(state, AccountsKeys.NativeAsset, payer, amount);

    public void Give(IStateView state, in Address payee, ulong amount) => Balances.Give(state, AccountsKeys.NativeAsset, payee, amount);

    public override void MapRoutes(IEndpointRouteBuilder routes, IModuleHost host) => AccountsRoutes.Map(routes, host);
    public override string RoutesDescription => "Accounts: CITY balances and nonces, with proofs.";

    public override IEnumerable<Command> Commands() => AccountsCommands.Create();

    public override object? DescribeBody(ReadOnlySpan<byte> body) =>
        TryDecodeTransfer(body, out var t, out _) ? new { operation = "transfer", to = t!.To.ToString(), amount = t.Amount } : null;

    public override IReadOnlyDictionary<string, string>? DescribeEvent(ModuleEvent e)
    {
        if (e.Type != TransferEvent.Type) return null;
        try
        {
            var t = TransferEvent.Decode(e.Data);
            return new Dictionary<string, string>
            {
                ["asset"] = t.Asset.ToString(System.Globalization.CultureInfo.InvariantCulture), ["from"] = t.From.ToString(),
                ["to"] = t.To.ToString(), ["amount"] = t.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
        }
        catch (CodecException)
        {
            return null;
        }
    }
}
