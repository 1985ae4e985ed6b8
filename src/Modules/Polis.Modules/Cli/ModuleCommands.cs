using System.CommandLine;
using Polis.Client.Api;
using Polis.Client.Config;
using Polis.Client.Transactions;
using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Modules.Cli;

/// <summary>
/// What every module's commands share: the <c>--node</c> and <c>--from</c> options, connecting and
/// turning refusals into one line and an exit code, and submitting a body and reporting its result.
/// </summary>
public static class ModuleCommands
{
    public const string DefaultNodeUrl = NodeDefault.BuiltIn;
    private static readonly TimeSpan CommitTimeout = TimeSpan.FromSeconds(30);

    public static Option<string> NodeOption() => new("--node") { Description = $"the node's API URL (default: ${NodeDefault.EnvironmentVariable}, else the first node of the nearest devnet.json, .polis-devnet or .polis-demo, else {NodeDefault.BuiltIn})", DefaultValueFactory = _ => NodeDefault.Url };

    public static Option<string> FromOption(string description = "the signer's key file") => new("--from") { Description = description, Required = true };

    /// <summary>Loads the signer's key, connects, and runs <paramref name="action"/>; node refusals and timeouts become messages.</summary>
    public static async Task<int> Run(string url, string keyFile, Func<NodeClient, TxSubmitter, Task<int>> action)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out _)) return CliOutput.Fail($"--node '{url}' is not a URL", CliOutput.UsageError);
        KeyPair key;
        try { key = KeyFile.Load(keyFile); }
        catch (Exception e) when (e is FormatException or IOException) { return CliOutput.Fail(e.Message); }
        using (key)
        {
            using var client = new NodeClient(url);
            try
            {
                var submitter = await TxSubmitter.ForAsync(client, key);
                return await action(client, submitter);
            }
            catch (Exception e) when (e is NodeApiException or TimeoutException)
            {
                return CliOutput.Fail(e.Message + (e is NodeApiException { Status: 0 } ? NodeDefault.Hint(url) : ""));
            }
        }
    }

    /// <summary>Connects and runs a read-only <paramref name="action"/>; node refusals become messages.</summary>
    public static async Task<int> Query(string url, Func<NodeClient, Task<int>> action)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out _)) return CliOutput.Fail($"--node '{url}' is not a URL", CliOutput.UsageError);
        using var client = new NodeClient(url);
        try
        {
            return await action(client);
        }
        catch (NodeApiException e)
        {
            return CliOutput.Fail(e.Message + (e.Status == 0 ? NodeDefault.Hint(url) : ""));
        }
    }

    /// <summary>Submits a body, waits for its block and prints the result; 0 when it succeeded.</summary>
    public static async Task<int> SubmitAndReport(TxSubmitter submitter, ModuleId module, byte[] body, string what, CancellationToken cancel)
    {
        var tx = await submitter.SubmitAsync(module, body, cancel);
        Console.WriteLine($"submitted {tx.Hash} ({what}, nonce {tx.Nonce})");
        var result = await submitter.WaitAsync(tx, CommitTimeout, cancel);
        Console.WriteLine($"committed at height {result.Height}: {result.Result} {result.Message}".TrimEnd());
        return result.Result == TxStatusResponse.OkResult ? 0 : 1;
    }
}
