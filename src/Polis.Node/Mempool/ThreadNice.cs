using System.Runtime.InteropServices;

namespace Polis.Node.Mempool;

/// <summary>
/// The OS scheduling priority of the calling thread. .NET's <see cref="Thread.Priority"/> does not
/// reach the Linux scheduler, where each thread is a task with its own nice value; lowering one's own
/// is allowed to any user, so no privilege is needed.
/// </summary>
internal static partial class ThreadNice
{
    private const int PrioProcess = 0;

    /// <summary>Sets the calling thread's nice value (higher is lower priority); false where unsupported.</summary>
    public static bool TrySet(int nice)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return setpriority(PrioProcess, gettid(), nice) == 0;
        }
        catch (EntryPointNotFoundException)
        {
            return false; // a libc without gettid (glibc before 2.30)
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setpriority(int which, int who, int prio);

    [DllImport("libc")]
    private static extern int gettid();
}
