using System.Runtime.CompilerServices;

namespace Polis.Network.Tests;

internal static class TestSetup
{
    /// <summary>
    /// Some tests block a handler on purpose, which holds a thread-pool thread; on a 2-core machine
    /// with test classes running in parallel, the pool would otherwise add threads only about once
    /// a second, and every timer and socket continuation of every host would wait for it.
    /// </summary>
    [ModuleInitializer]
    internal static void RaiseThreadPoolMinimum()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), Math.Max(io, 16));
    }
}
