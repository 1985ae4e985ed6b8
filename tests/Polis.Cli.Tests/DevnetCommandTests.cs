using System.Text.Json;

namespace Polis.Cli.Tests;

/// <summary>The README's flow, as a newcomer types it: devnet up, client commands, devnet down.</summary>
public sealed class DevnetCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    [Fact]
    public void One_node_is_stopped_and_restarted_and_down_stops_a_node_started_by_hand_too()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"polis-cli-{Guid.NewGuid():N}");
        System.Diagnostics.Process? byHand = null;
        try
        {
            var (up, upOutput, upError) = PolisProcess.Run(Timeout, "devnet", "up", "--detach", "--dir", dir, "--base-port", "22800", "--validators", "2", "--accounts", "1");
            Assert.True(up == 0, upOutput + upError);
            string home1 = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "devnet.json"))).RootElement.GetProperty("nodes")[1].GetProperty("home").GetString()!;
            string name1 = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "devnet.json"))).RootElement.GetProperty("nodes")[1].GetProperty("name").GetString()!;
            string name0 = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "devnet.json"))).RootElement.GetProperty("nodes")[0].GetProperty("name").GetString()!;

            var (stop, stopOutput, stopError) = PolisProcess.Run(Timeout, "devnet", "stop", name1, "--dir", dir);
            Assert.True(stop == 0, stopOutput + stopError);
            Assert.Contains($"stopped {name1}", stopOutput);
            var (unknown, _, unknownError) = PolisProcess.Run(Timeout, "devnet", "stop", "node9", "--dir", dir);
            Assert.Equal(2, unknown);
            Assert.Contains("no member 'node9'", unknownError);

            // Started by hand, as docs/operations.md shows: devnet.json does not know its pid, its home does.
            var start = new System.Diagnostics.ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "polis.dll"), "node", "run", "--home", home1 }) start.ArgumentList.Add(a);
            byHand = System.Diagnostics.Process.Start(start)!;
            _ = byHand.StandardOutput.ReadToEndAsync();
            _ = byHand.StandardError.ReadToEndAsync();
            var deadline = DateTime.UtcNow + Timeout;
            while (!File.Exists(Path.Combine(home1, "node.pid")))
            {
                Assert.True(DateTime.UtcNow < deadline && !byHand.HasExited, "the node started by hand never recorded its pid");
                Thread.Sleep(200);
            }

            var (down, downOutput, _) = PolisProcess.Run(Timeout, "devnet", "down", "--dir", dir);
            Assert.Equal(0, down);
            Assert.Contains("stopped 2 node(s)", downOutput);
            Assert.True(byHand.WaitForExit(TimeSpan.FromSeconds(20)), "devnet down left the node started by hand running");

            var (restart, restartOutput, restartError) = PolisProcess.Run(Timeout, "devnet", "restart", name0, "--dir", dir);
            Assert.True(restart == 0, restartOutput + restartError);
            Assert.True(JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "devnet.json"))).RootElement.GetProperty("nodes")[0].GetProperty("pid").GetInt32() > 0);
            var (_, again, _) = PolisProcess.Run(Timeout, "devnet", "down", "--dir", dir);
            Assert.Contains("stopped 1 node(s)", again); // the restarted one
        }
        finally
        {
            PolisProcess.Run(Timeout, "devnet", "down", "--dir", dir);
            if (byHand is { HasExited: false }) byHand.Kill(entireProcessTree: true);
            byHand?.Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_devnet_made_by_an_earlier_release_is_refused_with_what_to_do()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"polis-cli-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(dir);
            // A manifest as releases before the data version wrote it: its records on disk would not decode.
            File.WriteAllText(Path.Combine(dir, "devnet.json"), "{\"chainId\":\"polis-devnet\",\"genesis\":\"genesis.json\",\"nodes\":[],\"accounts\":[]}");
            var (code, output, error) = PolisProcess.Run(Timeout, "devnet", "up", "--detach", "--dir", dir);
            Assert.Equal(1, code);
            Assert.Contains("made by an earlier version of Polis", output + error);
            Assert.Contains($"remove {dir}", output + error);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_detached_devnet_takes_a_transfer_from_the_cli_and_stops_cleanly()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"polis-cli-{Guid.NewGuid():N}");
        const string node = "http://127.0.0.1:21951";
        try
        {
            var (up, upOutput, upError) = PolisProcess.Run(Timeout, "devnet", "up", "--detach", "--dir", dir, "--base-port", "21950", "--accounts", "2");
            Assert.True(up == 0, upOutput + upError);
            var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "devnet.json"))).RootElement;
            Assert.Equal(4, manifest.GetProperty("nodes").GetArrayLength());
            Assert.All(manifest.GetProperty("nodes").EnumerateArray(), n => Assert.True(n.GetProperty("pid").GetInt32() > 0));
            Assert.Equal(3, Directory.GetFiles(Path.Combine(dir, "accounts")).Length); // two accounts and the treasury

            var deadline = DateTime.UtcNow + Timeout;
            while (true)
            {
                var (code, output, _) = PolisProcess.Run(Timeout, "status", "--node", node);
                if (code == 0 && output.Contains("polis-devnet")) break;
                Assert.True(DateTime.UtcNow < deadline, "the devnet never answered");
                Thread.Sleep(500);
            }

            string keyFile = Path.Combine(dir, "bob.json");
            var (keyCode, keyOutput, _) = PolisProcess.Run(Timeout, "keys", "new", "--out", keyFile);
            Assert.Equal(0, keyCode);
            string bob = keyOutput.Split('\n')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];

            var (sent, sentOutput, sentError) = PolisProcess.Run(Timeout, "tx", "transfer", "--node", node,
                "--from", Path.Combine(dir, "accounts", "account0.json"), "--to", bob, "--amount", "25", "--wait");
            Assert.True(sent == 0, sentOutput + sentError);
            Assert.Contains("committed at height", sentOutput);

            var (_, account, _) = PolisProcess.Run(Timeout, "account", "show", bob, "--node", "http://127.0.0.1:21957");
            Assert.Contains("balance 25 CITY", account);
            var (blockCode, block, _) = PolisProcess.Run(Timeout, "block", "show", "1", "--node", node);
            Assert.Equal(0, blockCode);
            Assert.Contains("\"stateRoot\"", block);

            var (badCode, _, badError) = PolisProcess.Run(Timeout, "tx", "transfer", "--node", node, "--from", keyFile, "--to", "polis1nonsense", "--amount", "1");
            Assert.NotEqual(0, badCode);
            Assert.Contains("--to", badError);
        }
        finally
        {
            var (down, downOutput, _) = PolisProcess.Run(Timeout, "devnet", "down", "--dir", dir);
            Assert.Equal(0, down);
            Assert.Contains("stopped 4 node(s)", downOutput);
            var (after, _, afterError) = PolisProcess.Run(Timeout, "status", "--node", node);
            Assert.NotEqual(0, after);
            Assert.Contains("cannot reach", afterError);
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
