using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Polis.Devnet;

/// <summary>
/// Starts and stops `polis node run` processes. The child runs this same program (through the
/// dotnet host when that is how we were started), its output appended to HOME/node.log.
/// </summary>
public static partial class NodeProcess
{
    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>True when process <paramref name="pid"/> is one of ours (`node run` or `demo district`) on `--home HOME` (Linux: /proc; elsewhere assumed).</summary>
    public static bool IsNodeOf(int pid, string home)
    {
        string cmdline = $"/proc/{pid}/cmdline";
        if (!OperatingSystem.IsLinux()) return true;
        try
        {
            var args = File.ReadAllText(cmdline).Split('\0');
            int i = Array.IndexOf(args, "--home");
            // A relative --home is the process's own: resolve it against its working directory.
            string cwd = File.ResolveLinkTarget($"/proc/{pid}/cwd", returnFinalTarget: false)?.FullName ?? Environment.CurrentDirectory;
            return i >= 0 && i + 1 < args.Length && Path.GetFullPath(args[i + 1], cwd) == Path.GetFullPath(home) 
                && ((args.Contains("node") && args.Contains("run")) || (args.Contains("demo") && args.Contains("district")));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// The process running the node (or district) of <paramref name="home"/>: the one a devnet
    /// recorded (<paramref name="recorded"/>), else the one the node recorded in its home (a node
    /// started by hand); null when neither runs.
    /// </summary>
    public static int? RunningPid(string home, int? recorded)
    {
        // Off Linux a process's command line cannot be checked: a stale pid file (after a crash) may name another program by now.
        int?[] candidates = OperatingSystem.IsLinux() ? [recorded, Polis.Node.PidFile.Read(home)] : [recorded];
        foreach (int? candidate in candidates)
            if (candidate is int pid && IsAlive(pid) && IsNodeOf(pid, home)) return pid;
        return null;
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The command line that runs this program: the apphost, or the dotnet host and our dll.</summary>
    public static (string FileName, List<string> Prefix) Self(string? polisDll = null)
    {
        string dll = polisDll ?? Assembly.GetEntryAssembly()!.Location;
        string process = Environment.ProcessPath ?? "dotnet";
        bool viaHost = polisDll is not null || Path.GetFileNameWithoutExtension(process) == "dotnet" || !dll.EndsWith("polis.dll", StringComparison.Ordinal);
        return viaHost ? (DotnetHost(process), [dll]) : (process, []);
    }

    /// <summary>The dotnet host: ours, or the one the SDK names for its children (test hosts), or the one on PATH.</summary>
    private static string DotnetHost(string process)
    {
        if (Path.GetFileNameWithoutExtension(process) == "dotnet") return process;
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root && File.Exists(Path.Combine(root, "dotnet"))) return Path.Combine(root, "dotnet");
        return "dotnet";
    }

    /// <summary>
    /// Starts a node on a home (or another of our long-running commands, e.g. ["demo", "district"]);
    /// with <paramref name="detach"/> in its own session so it outlives this terminal.
    /// </summary>
    public static Process Start(string home, bool detach, string? polisDll = null, string[]? command = null)
    {
        var (fileName, prefix) = Self(polisDll);
        string log = Path.Combine(home, "node.log");
        // sh execs the node (same pid) with its output appended to the log: no pipe ties it to us.
        var info = new ProcessStartInfo(detach && File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : "/bin/sh") { UseShellExecute = false };
        if (detach && File.Exists("/usr/bin/setsid")) info.ArgumentList.Add("/bin/sh");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec \"$@\" >>\"$POLIS_NODE_LOG\" 2>&1 </dev/null");
        info.ArgumentList.Add("polis-node");
        info.ArgumentList.Add(fileName);
        foreach (var p in prefix) info.ArgumentList.Add(p);
        foreach (var word in command ?? ["node", "run"]) info.ArgumentList.Add(word);
        info.ArgumentList.Add("--home");
        info.ArgumentList.Add(home);
        info.Environment["POLIS_NODE_LOG"] = log;
        return Process.Start(info) ?? throw new IOException($"could not start a node for {home}");
    }

    /// <summary>
    /// Asks a node to stop (SIGTERM), waits, then kills it if it has not stopped. Only if the process
    /// with that id is still the node of <paramref name="home"/>: after a reboot the id may be another program's.
    /// </summary>
    public static bool Stop(int pid, string home, TimeSpan grace)
    {
        if (!IsNodeOf(pid, home)) return false;
        Process process;
        try { process = Process.GetProcessById(pid); }
        catch (ArgumentException) { return false; }
        using (process)
        {
            if (process.HasExited) return false;
            Kill(pid, SigTerm);
            if (!process.WaitForExit(grace)) process.Kill();
            process.WaitForExit(TimeSpan.FromSeconds(5));
            return true;
        }
    }
}
