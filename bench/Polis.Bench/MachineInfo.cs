using System.Runtime.InteropServices;

namespace Polis.Bench;

/// <summary>What machine a figure was measured on (it goes into every result file).</summary>
public sealed record MachineInfo(string Cpu, int Cores, long MemoryMiB, string Os, string Runtime)
{
    public static MachineInfo Read()
    {
        string cpu = "unknown";
        long memory = 0;
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
            var total = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            if (total is not null) memory = long.Parse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
        }
        catch (IOException)
        {
        }
        return new MachineInfo(cpu, Environment.ProcessorCount, memory, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription);
    }
}
