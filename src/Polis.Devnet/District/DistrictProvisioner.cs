using Polis.Client.Api;
using Polis.Modules.Accounts;
using Polis.Modules.Devices;
using Polis.Client.Transactions;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Client.Config;
using Polis.Node.Config;

namespace Polis.Devnet.District;

/// <summary>
/// Puts the district on chain: the operator registers the gateway, funds the gateway's account for
/// the fees of its anchors, and registers every device not yet registered and assigns it to the
/// gateway (so a restarted demo registers nothing twice). Transactions go out with consecutive
/// nonces, a few hundred in flight, and must all commit with Ok.
/// </summary>
public static class DistrictProvisioner
{
    private const int InFlightMax = 500;
    private static readonly TimeSpan CommitTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// What the operator gives its gateway's account when it holds less than half of it: about
    /// 400,000 anchors at the devnet's fees (each about 2,500). An anchor is a transaction like any
    /// other, and the gateway pays for it.
    /// </summary>
    public const ulong GatewayFunding = 1_000_000_000;

    public static async Task<int> RunAsync(NodeClient node, DistrictFile district, string home, Action<string> progress, CancellationToken cancel)
    {
        using var operatorKey = KeyFile.Load(Path.Combine(home, district.OperatorKeyFile));
        using var gatewayKey = KeyFile.Load(Path.Combine(home, district.GatewayKeyFile));
        var submitter = await TxSubmitter.ForAsync(node, operatorKey, cancel);
        var pending = new List<Transaction>();
        if (await node.GatewayAsync(district.GatewayId, cancel) is null)
            pending.Add(await submitter.SubmitAsync(DevicesKeys.Module, new DevicesBody.RegisterGateway(district.GatewayId, gatewayKey.Address).ToBytes(), cancel));
        if (await FundingOf(node, gatewayKey.Address, cancel) is { } funding) pending.Add(await submitter.SubmitAsync(AccountsKeys.Module, funding, cancel));
        int registered = 0;
        foreach (var d in district.Devices)
        {
            var existing = await node.DeviceAsync(d.Id, cancel);
            if (existing is not null)
            {
                // Registered by an earlier run: it still needs to go through this gateway.
                if (existing.Gateway != district.GatewayId && existing.RevokedAt is null)
                    pending.Add(await submitter.SubmitAsync(DevicesKeys.Module, new DevicesBody.AssignDevice(d.Id, district.GatewayId).ToBytes(), cancel));
                continue;
            }
            using var key = KeyPair.FromSeed(Convert.FromHexString(d.Seed));
            var kind = DeviceKinds.TryParse(d.Kind, out var k) ? k : DeviceKind.Custom;
            var body = new DevicesBody.RegisterDevice(d.Id, key.PublicKey, kind, kind == DeviceKind.Custom ? d.Kind : "",
                new GeoPoint(d.LatitudeMicro, d.LongitudeMicro), "demo district");
            pending.Add(await submitter.SubmitAsync(DevicesKeys.Module, body.ToBytes(), cancel));
            // Its readings go through the district's gateway: only that gateway's anchors prove them.
            pending.Add(await submitter.SubmitAsync(DevicesKeys.Module, new DevicesBody.AssignDevice(d.Id, district.GatewayId).ToBytes(), cancel));
            registered++;
            if (pending.Count >= InFlightMax) await Settle(submitter, pending, progress, cancel);
        }
        await Settle(submitter, pending, progress, cancel);
        return registered;
    }

    /// <summary>The body of a transfer that tops the gateway's account up, or null when it holds enough.</summary>
    public static async Task<byte[]?> FundingOf(NodeClient node, Address gateway, CancellationToken cancel = default) =>
        (await node.AccountAsync(gateway, cancel)).Balance >= GatewayFunding / 2 ? null : new TransferBody(gateway, GatewayFunding).ToBytes();

    private static async Task Settle(TxSubmitter submitter, List<Transaction> pending, Action<string> progress, CancellationToken cancel)
    {
        foreach (var tx in pending)
        {
            var status = await submitter.WaitAsync(tx, CommitTimeout, cancel);
            if (status.Result != TxStatusResponse.OkResult) throw new InvalidOperationException($"registration {tx.Hash.Short} failed: {status.Result} {status.Message}");
        }
        if (pending.Count > 0) progress($"{pending.Count} registration(s) committed");
        pending.Clear();
    }
}
