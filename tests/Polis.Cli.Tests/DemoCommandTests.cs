using System.Text.Json;

namespace Polis.Cli.Tests;

/// <summary>The README's main command: `polis demo --detach`, a reading's proof checked with `polis verify reading`, the device commands, `polis devnet down`.</summary>
public sealed class DemoCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task The_demo_comes_up_its_readings_are_proven_from_the_genesis_and_devnet_down_stops_it_all()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"polis-demo-{Guid.NewGuid():N}");
        const string node = "http://127.0.0.1:21971";
        try
        {
            var (up, upOutput, upError) = PolisProcess.Run(Timeout, "demo", "--detach", "--dir", dir, "--base-port", "21970", "--devices", "60", "--rate", "60");
            Assert.True(up == 0, upOutput + upError);
            var members = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "devnet.json"))).RootElement.GetProperty("nodes");
            Assert.Equal(5, members.GetArrayLength());

            // Within a minute of starting: devices registered, readings anchored, one proven offline from the genesis.
            var deadline = DateTime.UtcNow + Timeout;
            string? verified = null;
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            while (verified is null)
            {
                Assert.True(DateTime.UtcNow < deadline, "no reading of the demo was proven within a minute");
                await Task.Delay(1000);
                string readings;
                try { readings = await http.GetStringAsync($"{node}/v1/readings/meter-0001?limit=20"); }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { continue; }
                var anchored = JsonDocument.Parse(readings).RootElement.GetProperty("readings").EnumerateArray()
                    .FirstOrDefault(r => r.GetProperty("status").GetString() == "anchored");
                if (anchored.ValueKind != JsonValueKind.Object) continue;
                string url = $"{node}/v1/readings/meter-0001/{anchored.GetProperty("sequence").GetUInt64()}/proof";
                var (code, output, error) = PolisProcess.Run(Timeout, "verify", "reading", url, "--genesis", Path.Combine(dir, "genesis.json"));
                Assert.True(code == 0, output + error);
                verified = output;
            }
            Assert.Contains("meter-0001", verified);

            var (listCode, list, _) = PolisProcess.Run(Timeout, "device", "list", "--node", node, "--kind", "parking-bay", "--limit", "3");
            Assert.Equal(0, listCode);
            Assert.Contains("parking-0001", list);
            var (revokeCode, revoke, revokeError) = PolisProcess.Run(Timeout, "device", "revoke", "--node", node, "--from", Path.Combine(dir, "accounts", "account0.json"), "--id", "meter-0002");
            Assert.True(revokeCode == 0, revoke + revokeError);
            var (showCode, show, _) = PolisProcess.Run(Timeout, "device", "show", "meter-0002", "--node", node);
            Assert.Equal(0, showCode);
            Assert.Contains("at height", show);
            var (strangerCode, strangerOutput, _) = PolisProcess.Run(Timeout, "device", "revoke", "--node", node, "--from", Path.Combine(dir, "accounts", "account1.json"), "--id", "meter-0003");
            Assert.Equal(1, strangerCode);
            Assert.Contains("devices.unauthorized", strangerOutput);
        }
        finally
        {
            var (down, downOutput, _) = PolisProcess.Run(Timeout, "devnet", "down", "--dir", dir);
            Assert.Equal(0, down);
            Assert.Contains("stopped 5 node(s)", downOutput);
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
