using Polis.Modules.Devices;
using Polis.Client.Api;
using Polis.Core.Crypto;

namespace Polis.Gateway;

/// <summary>What the anchorer needs of the chain; a node's API in production, a fake in tests.</summary>
public interface IAnchorChain
{
    /// <summary>The gateway's on-chain record, or null when it is not registered.</summary>
    Task<GatewayResponse?> GatewayAsync(string gatewayId, CancellationToken cancel);
    /// <summary>The account's next nonce as of the latest committed block.</summary>
    Task<ulong> NextNonceAsync(Address account, CancellationToken cancel);
    /// <summary>Submits a signed transaction: HTTP status (202 admitted or already known) and message.</summary>
    Task<(int Status, string Message)> SubmitAsync(byte[] tx, CancellationToken cancel);
    /// <summary>The transaction's status, or null when the node knows nothing of it.</summary>
    Task<TxStatusResponse?> TxStatusAsync(Hash32 hash, CancellationToken cancel);
    /// <summary>The anchor of a gateway's batch in the latest committed state, or null when there is none.</summary>
    Task<AnchorRecord?> AnchorRecordAsync(string gatewayId, ulong batch, CancellationToken cancel);
}
