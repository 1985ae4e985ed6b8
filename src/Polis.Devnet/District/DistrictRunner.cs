using Polis.Client.Api;

namespace Polis.Devnet.District;

/// <summary>The simulated district's life: wait for the chain, register what is missing, then publish until stopped.</summary>
public static class DistrictRunner
{
    public static async Task RunAsync(string home, DistrictStats stats, Action<string> progress, CancellationToken cancel)
    {
        var district = DistrictFile.Load(home);
        using var node = new NodeClient(district.Node);
        progress("waiting for the first block…");
        await WaitForHeight(node, 1, cancel);
        progress($"registering the gateway and {district.Devices.Count} devices…");
        int registered = await DistrictProvisioner.RunAsync(node, district, home, progress, cancel);
        progress(registered == 0 ? "all devices already registered" : $"registered {registered} device(s)");
        await new DistrictPublisher(district, stats).RunAsync(cancel);
    }

    public static async Task WaitForHeight(NodeClient node, ulong height, CancellationToken cancel)
    {
        while (true)
        {
            try
            {
                if ((await node.StatusAsync(cancel)).Height >= height) return;
            }
            catch (NodeApiException)
            {
            }
            await Task.Delay(250, cancel);
        }
    }
}
