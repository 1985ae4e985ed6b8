using Polis.Client.Api;
using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Client.Transactions;

/// <summary>
/// Signs and submits one sender's transactions with consecutive nonces and follows them to commit.
/// Keeps the next nonce itself, so many transactions can be in flight without waiting for each.
/// </summary>
public sealed class TxSubmitter(NodeClient node, string chainId, KeyPair sender, ulong nextNonce)
{
    public static async Task<TxSubmitter> ForAsync(NodeClient node, KeyPair sender, CancellationToken cancel = default)
    {
        var status = await node.StatusAsync(cancel);
        var nonce = await node.NonceAsync(sender.Address, cancel);
        return new TxSubmitter(node, status.ChainId, sender, nonce.Nonce);
    }

    public string ChainId => chainId;
    public ulong NextNonce => nextNonce;

    /// <summary>Signs with the next nonce and submits; throws <see cref="NodeApiException"/> when the node refuses it.</summary>
    public async Task<Transaction> SubmitAsync(ModuleId module, byte[] body, CancellationToken cancel = default)
    {
        var tx = Transaction.Create(chainId, sender, nextNonce, module, body);
        var (status, message) = await node.SubmitTxAsync(tx.Encoded, cancel);
        if (status != 202) throw new NodeApiException(status, $"transaction refused: {message}");
        nextNonce++;
        return tx;
    }

    /// <summary>Waits until <paramref name="tx"/> is committed and returns its recorded result (ok or a module's failure).</summary>
    public async Task<TxStatusResponse> WaitAsync(Transaction tx, TimeSpan timeout, CancellationToken cancel = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await node.TxStatusAsync(tx.Hash, cancel);
            if (status is { Status: "committed" }) return status;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"transaction {tx.Hash.Short} not committed within {timeout.TotalSeconds:0} s");
            await Task.Delay(100, cancel);
        }
    }
}
