namespace Polis.Bench;

/// <summary>CPU time and peak memory of a process, from /proc (Linux).</summary>
public static class ProcessStats
{
    /// <summary>User + system CPU seconds so far, or 0 when unavailable.</summary>
    public static double CpuSeconds(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may contain spaces) start after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long ticks = long.Parse(fields[11]) + long.Parse(fields[12]); // utime, stime
            return ticks / 100.0; // USER_HZ is 100 on Linux
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    /// <summary>Peak resident memory (VmHWM) in MiB, or 0 when unavailable.</summary>
    public static double PeakMemoryMiB(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            return 0;
        }
    }
}
