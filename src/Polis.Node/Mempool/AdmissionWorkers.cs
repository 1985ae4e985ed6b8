using System.Collections.Concurrent;

namespace Polis.Node.Mempool;

/// <summary>
/// Runs mempool admission (above all its signature checks) on a few threads of lower OS priority
/// than everything else in the node. Under a flood of submissions, admission alone could keep every
/// core busy, and the consensus loop, which must validate and execute each proposed block before
/// voting, would get a thread's fair share among many: blocks that take half a second alone took
/// six. At low priority, admission uses what consensus leaves: blocks keep committing at their
/// own pace, and the backlog waits at the edge (clients see a full mempool) instead of in rounds.
/// Bounded by pending transactions: over the bound, work is refused and the caller backs off.
/// </summary>
public sealed class AdmissionWorkers : IDisposable
{
    /// <summary>Nice value of the workers: the Linux scheduler then gives normal threads about ten times their share.</summary>
    public const int Nice = 10;

    private readonly BlockingCollection<(int Txs, Action Work, Action? Abandon)> _queue = new();
    private volatile bool _stopping;
    private readonly Thread[] _threads;
    private readonly int _pendingTxsMax;
    private readonly Action<Exception> _onError;
    private int _pendingTxs;

    /// <param name="threads">Worker threads (one per core: admission may use every core consensus leaves idle).</param>
    /// <param name="pendingTxsMax">Transactions queued or in admission at most.</param>
    /// <param name="onError">Told of an exception escaping posted work (a bug): the worker goes on.</param>
    public AdmissionWorkers(int threads, int pendingTxsMax, Action<Exception> onError)
    {
        _pendingTxsMax = pendingTxsMax;
        _onError = onError;
        _threads = new Thread[threads];
        for (int i = 0; i < threads; i++)
        {
            _threads[i] = new Thread(Run) { IsBackground = true, Name = $"polis-admission-{i}" };
            _threads[i].Start();
        }
    }

    /// <summary>Transactions queued or being admitted.</summary>
    public int PendingTxs => Volatile.Read(ref _pendingTxs);

    /// <summary>Queues work over <paramref name="txs"/> transactions; false (nothing queued) when the bound would be passed or after disposal.</summary>
    public bool TryPost(int txs, Action work) => TryPost(txs, work, null);

    private bool TryPost(int txs, Action work, Action? abandon)
    {
        int pending = Interlocked.Add(ref _pendingTxs, txs);
        if (pending > _pendingTxsMax && pending != txs) // work larger than the bound still runs alone
        {
            Interlocked.Add(ref _pendingTxs, -txs);
            return false;
        }
        try
        {
            _queue.Add((txs, work, abandon));
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            Interlocked.Add(ref _pendingTxs, -txs);
            return false; // disposed: the node is stopping
        }
    }

    /// <summary>Runs <paramref name="work"/> on a worker; null when the bound would be passed (the caller answers "busy").</summary>
    public Task<T>? TryRun<T>(int txs, Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool queued = TryPost(txs, () =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }, () => done.TrySetCanceled());
        return queued ? done.Task : null;
    }

    private void Run()
    {
        ThreadNice.TrySet(Nice);
        foreach (var (txs, work, abandon) in _queue.GetConsumingEnumerable())
        {
            try
            {
                // Stopping: what is still queued is dropped (its callers are told), since admission
                // reads the store, which closes once the workers have returned.
                if (_stopping) abandon?.Invoke();
                else work();
            }
            catch (Exception e)
            {
                _onError(e);
            }
            finally
            {
                Interlocked.Add(ref _pendingTxs, -txs);
            }
        }
    }

    /// <summary>Stops taking work, drops what is queued, and returns once the workers have finished the item in hand.</summary>
    public void Dispose()
    {
        _stopping = true;
        _queue.CompleteAdding();
        // An item is at most one message or request of transactions: a fraction of a second.
        foreach (var thread in _threads) thread.Join();
        _queue.Dispose();
    }
}
