using Polis.Modules.Devices;
using Polis.Client.Api;
using Polis.Core.Crypto;

namespace Polis.Gateway;

/// <summary><see cref="IAnchorChain"/> through a node's HTTP API.</summary>
public sealed class NodeAnchorChain(NodeClient client) : IAnchorChain
{
    public Task<GatewayResponse?> GatewayAsync(string gatewayId, CancellationToken cancel) => client.GatewayAsync(gatewayId, cancel);

    public async Task<ulong> NextNonceAsync(Address account, CancellationToken cancel) => (await client.NonceAsync(account, cancel)).Nonce;

    public Task<(int Status, string Message)> SubmitAsync(byte[] tx, CancellationToken cancel) => client.SubmitTxAsync(tx, cancel);

    public Task<TxStatusResponse?> TxStatusAsync(Hash32 hash, CancellationToken cancel) => client.TxStatusAsync(hash, cancel);

    public async Task<AnchorRecord?> AnchorRecordAsync(string gatewayId, ulong batch, CancellationToken cancel)
    {
        var status = await client.StatusAsync(cancel);
        var state = await client.StateAsync(DevicesKeys.Anchor(gatewayId, batch), status.Height, cancel);
        return state.Value is null ? null : AnchorRecord.Decode(Convert.FromHexString(state.Value));
    }
}
