using System.Diagnostics;
using System.Text.Json;
using Polis.Client.Api;
using Polis.Devnet;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Modules.Accounts;
using Polis.Client.Config;
using Polis.Node.Config;
using Xunit.Abstractions;

namespace Polis.Integration.Tests;

/// <summary>
/// A devnet of real `polis node run` processes on 127.0.0.1 for one test: created in a fresh
/// directory, every process killed and the directory removed on dispose. On failure the tail of
/// each node's log is printed to the test output.
/// </summary>
internal sealed class TestDevnet : IAsyncDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly Process?[] _processes;
    private readonly NodeClient[] _apis;
    private readonly KeyPair[] _accounts;
    private readonly Dictionary<int, ulong> _nonces = new();

    private TestDevnet(ITestOutputHelper output, string dir, DevnetManifest manifest)
    {
        _output = output;
        Dir = dir;
        Manifest = manifest;
        _processes = new Process?[manifest.Nodes.Count];
        _apis = manifest.Nodes.Select(n => new NodeClient(n.Api, TimeSpan.FromSeconds(5))).ToArray();
        _accounts = manifest.Accounts.Select(KeyFile.Load).ToArray();
    }

    public string Dir { get; }
    public DevnetManifest Manifest { get; }
    public int Count => _processes.Length;
    public IReadOnlyList<KeyPair> Accounts => _accounts;

    /// <summary>
    /// Tests use ports 21000–22999: below Linux's ephemeral range (32768 and up), so no outgoing
    /// connection of any process can be holding a node's port when it starts.
    /// </summary>
    public static TestDevnet Create(ITestOutputHelper output, int basePort, int validators = 4, int observers = 0, int accounts = 8,
        Action<int, NodeHome, NodeConfig>? perNode = null)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"polis-it-{Guid.NewGuid():N}");
        var manifest = DevnetLayout.Create(dir, validators, basePort, accounts, observers, config =>
        {
            config.EmptyBlockDelayMs = 100;
        }, perNode);
        return new TestDevnet(output, dir, manifest);
    }

    private static string PolisDll => Path.Combine(AppContext.BaseDirectory, "polis.dll");

    public void Start(int i)
    {
        Assert.False(IsRunning(i), $"node {i} is already running");
        // The old handle is left to the finalizer: load clients may be asking it right now.
        _processes[i] = NodeProcess.Start(Manifest.Nodes[i].Home, detach: false, PolisDll);
    }

    public void StartAll(int count = -1)
    {
        for (int i = 0; i < (count < 0 ? Count : count); i++) Start(i);
    }

    /// <summary>kill -9: no chance to flush or sync anything.</summary>
    public void Kill(int i)
    {
        var p = _processes[i];
        if (p is null || p.HasExited) return;
        p.Kill(entireProcessTree: true);
        p.WaitForExit(10_000);
    }

    /// <summary>A clean stop (SIGTERM).</summary>
    public void Stop(int i)
    {
        var p = _processes[i];
        if (p is null || p.HasExited) return;
        NodeProcess.Stop(p.Id, Manifest.Nodes[i].Home, TimeSpan.FromSeconds(10));
    }

    public bool IsRunning(int i)
    {
        try { return _processes[i] is { HasExited: false }; }
        catch (InvalidOperationException) { return false; }
    }

    public NodeClient Api(int i) => _apis[i];

    public async Task<JsonElement?> TryStatus(int i)
    {
        try { return await _apis[i].GetJsonAsync("v1/status"); }
        catch (NodeApiException) { return null; }
    }

    public async Task<ulong> Height(int i) => (await TryStatus(i))?.GetProperty("height").GetUInt64() ?? 0;

    public async Task WaitUntil(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (await condition()) return;
            await Task.Delay(200);
        }
        DumpLogs();
        Assert.Fail($"timed out after {timeout.TotalSeconds:F0} s waiting until {what}");
    }

    /// <summary>Waits until every listed node has committed at least <paramref name="height"/>.</summary>
    public Task WaitForHeight(ulong height, TimeSpan timeout, params int[] nodes)
    {
        var which = nodes.Length == 0 ? Enumerable.Range(0, Count).ToArray() : nodes;
        return WaitUntil(async () =>
        {
            foreach (var i in which) if (await Height(i) < height) return false;
            return true;
        }, timeout, $"nodes {string.Join(",", which)} reach height {height}");
    }

    /// <summary>Signs a transfer from test account <paramref name="from"/> with the next local nonce.</summary>
    public Transaction Transfer(int from, Address to, ulong amount)
    {
        ulong nonce;
        lock (_nonces) // load generators sign from several tasks at once
        {
            nonce = _nonces.GetValueOrDefault(from);
            _nonces[from] = nonce + 1;
        }
        return Transaction.Create(Manifest.ChainId, _accounts[from], nonce, AccountsKeys.Module, new TransferBody(to, amount).ToBytes());
    }

    /// <summary>Submits to node <paramref name="node"/>; true when accepted (202).</summary>
    public async Task<bool> Submit(int node, Transaction tx)
    {
        try
        {
            var (status, _) = await _apis[node].SubmitTxAsync(tx.Encoded);
            return status == 202;
        }
        catch (NodeApiException)
        {
            return false;
        }
    }

    /// <summary>Total of one metric's samples on node <paramref name="node"/>'s <c>/metrics</c> page (labels as <c>name="value"</c>).</summary>
    public async Task<double> Metric(int node, string metric, params string[] labels)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        string page = await http.GetStringAsync($"{Manifest.Nodes[node].Api}/metrics");
        return Polis.Client.Api.MetricsText.Sum(page, metric, labels);
    }

    public async Task<JsonElement?> TryGet(int node, string path)
    {
        try { return await _apis[node].GetJsonAsync(path); }
        catch (NodeApiException) { return null; }
    }

    public void DumpLogs()
    {
        foreach (var node in Manifest.Nodes)
        {
            string log = Path.Combine(node.Home, "node.log");
            if (!File.Exists(log)) continue;
            var lines = File.ReadAllLines(log);
            _output.WriteLine($"--- {node.Name} (last {Math.Min(40, lines.Length)} of {lines.Length} lines) ---");
            foreach (var line in lines.TakeLast(40)) _output.WriteLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (int i = 0; i < Count; i++)
        {
            try { Kill(i); } catch (InvalidOperationException) { }
            _processes[i]?.Dispose();
        }
        foreach (var api in _apis) api.Dispose();
        foreach (var key in _accounts) key.Dispose();
        await Task.Delay(100);
        if (Environment.GetEnvironmentVariable("POLIS_IT_KEEP") == "1") { _output.WriteLine($"kept {Dir}"); return; }
        try { Directory.Delete(Dir, recursive: true); }
        catch (IOException) { }
    }
}
