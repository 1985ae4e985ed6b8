using System.Collections.Concurrent;
using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Integration.Tests;

/// <summary>
/// Continuous load as careful clients make it: each test account sends transfers one after another,
/// waits for each to commit, and re-submits to another live node if it does not commit in time (the
/// node it reached may have been killed). Records what was reported committed, and where.
/// </summary>
internal sealed class LoadGenerator : IAsyncDisposable
{
    private readonly TestDevnet _devnet;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _clients;
    private readonly KeyPair _recipient = KeyPair.Generate();

    public LoadGenerator(TestDevnet devnet, int accounts)
    {
        _devnet = devnet;
        _clients = Enumerable.Range(0, accounts).Select(a => Task.Run(() => Client(a))).ToArray();
    }

    /// <summary>Transactions a node reported committed, with the height and result it reported.</summary>
    public ConcurrentDictionary<Hash32, (ulong Height, string Result)> Committed { get; } = new();

    private async Task Client(int account)
    {
        int node = account % _devnet.Count;
        while (!_stop.IsCancellationRequested)
        {
            var tx = _devnet.Transfer(account, _recipient.Address, 1);
            while (!_stop.IsCancellationRequested)
            {
                node = (node + 1) % _devnet.Count;
                // A refused submission may mean it is already committed (nonce used): look before retrying.
                bool submitted = _devnet.IsRunning(node) && await _devnet.Submit(node, tx);
                var committed = await WaitCommitted(tx.Hash, submitted ? TimeSpan.FromSeconds(4) : TimeSpan.Zero);
                if (committed is not null)
                {
                    Committed[tx.Hash] = committed.Value;
                    break;
                }
                if (!submitted) await Pause(100);
            }
        }
    }

    /// <summary>Polls every running node (the one it was sent to may have been killed meanwhile).</summary>
    private async Task<(ulong, string)?> WaitCommitted(Hash32 hash, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        do
        {
            for (int i = 0; i < _devnet.Count; i++)
                if (_devnet.IsRunning(i) && await LedgerChecks.Committed(_devnet, i, hash) is { } c) return c;
            if (timeout > TimeSpan.Zero) await Pause(150);
        }
        while (DateTime.UtcNow < deadline && !_stop.IsCancellationRequested);
        return null;
    }

    private async Task Pause(int ms)
    {
        try { await Task.Delay(ms, _stop.Token); }
        catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { await Task.WhenAll(_clients).WaitAsync(TimeSpan.FromSeconds(15)); }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException) { }
        _recipient.Dispose();
        _stop.Dispose();
    }
}
