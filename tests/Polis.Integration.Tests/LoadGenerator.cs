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
                if (!_devnet.IsRunning(node) || !await _devnet.Submit(node, tx)) { await Pause(100); continue; }
                var committed = await WaitCommitted(node, tx.Hash, TimeSpan.FromSeconds(4));
                if (committed is not null)
                {
                    Committed[tx.Hash] = committed.Value;
                    break;
                }
            }
        }
    }

    private async Task<(ulong, string)?> WaitCommitted(int node, Hash32 hash, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !_stop.IsCancellationRequested)
        {
            if (_devnet.IsRunning(node) && await LedgerChecks.Committed(_devnet, node, hash) is { } c) return c;
            await Pause(150);
        }
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
