using System.Text.Json;

namespace Polis.Modules.Cli;

/// <summary>
/// Which node a client command talks to without <c>--node</c>: <c>POLIS_NODE</c>, else the first
/// node of the nearest devnet (a <c>devnet.json</c>, or one in <c>.polis-devnet/</c> or
/// <c>.polis-demo/</c>, in this directory or one above; of the two, the one whose first node
/// runs), else the devnet's default port. A command that cannot reach it says which it tried and why.
/// </summary>
public static class NodeDefault
{
    public const string EnvironmentVariable = "POLIS_NODE";
    public const string BuiltIn = "http://127.0.0.1:26601";
    private static readonly Lazy<(string Url, string Source)> Found = new(Find);

    public static string Url => Found.Value.Url;

    /// <summary>What to add to "cannot reach" when <paramref name="url"/> is the default: where it came from and how to pick another.</summary>
    public static string Hint(string url) => url != Found.Value.Url ? ""
        : $" (the default node, from {Found.Value.Source}; pick another with --node URL or {EnvironmentVariable}=URL)";

    private static (string, string) Find()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment) return (fromEnvironment, EnvironmentVariable);
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidates = new[] { Path.Combine(dir.FullName, "devnet.json"), Path.Combine(dir.FullName, ".polis-devnet", "devnet.json"), Path.Combine(dir.FullName, ".polis-demo", "devnet.json") }
                .Select(path => (Path: path, Node: FirstNode(path))).Where(c => c.Node is not null).ToList();
            if (candidates.Count == 0) continue;
            var pick = candidates.FirstOrDefault(c => File.Exists(Path.Combine(c.Node!.Value.Home, "node.pid")));
            if (pick.Node is null) pick = candidates[0];
            return (pick.Node!.Value.Api, pick.Path);
        }
        return (BuiltIn, "the built-in default");
    }

    /// <summary>The API and home of the manifest's first node (not the demo's district), or null when the file is not a devnet manifest.</summary>
    private static (string Api, string Home)? FirstNode(string path)
    {
        try
        {
            if (!File.Exists(path) || new FileInfo(path).Length > 4 * 1024 * 1024) return null;
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            foreach (var node in doc.RootElement.GetProperty("nodes").EnumerateArray())
            {
                if (node.TryGetProperty("kind", out var kind) && kind.GetString() == "district") continue;
                string? api = node.GetProperty("api").GetString(), home = node.GetProperty("home").GetString();
                // Only a node on this host: a devnet.json in a cloned repository must not send commands elsewhere.
                if (api is { Length: > 0 } && home is not null && Uri.TryCreate(api, UriKind.Absolute, out var uri) && uri.IsLoopback)
                    return (api, Path.GetFullPath(home, Path.GetDirectoryName(path)!));
            }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
