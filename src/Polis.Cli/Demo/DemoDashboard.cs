using System.Globalization;
using Polis.Modules.Devices;
using Polis.Client.Api;
using Polis.Client.Light;
using Spectre.Console;
using Polis.Client.Config;

using Polis.Devnet.District;

namespace Polis.Cli.Demo;

/// <summary>
/// The demo's live console: chain height, readings accepted and rejected per second (with reasons),
/// batches anchored, and every few seconds one reading's proof fetched from the gateway and checked
/// by the light client against the genesis alone.
/// </summary>
public sealed class DemoDashboard(DistrictFile district, GenesisFile genesis, DistrictStats stats)
{
    private static readonly TimeSpan ProofEvery = TimeSpan.FromSeconds(3);
    private readonly List<string> _log = [];

    public void Log(string line)
    {
        lock (_log)
        {
            _log.Add($"{DateTime.Now:HH:mm:ss} {line}");
            if (_log.Count > 6) _log.RemoveAt(0);
        }
    }

    public async Task RunAsync(CancellationToken cancel)
    {
        using var node = new NodeClient(district.Node, TimeSpan.FromSeconds(2));
        var light = new LightClient(genesis);
        var random = new Random();
        long lastAccepted = 0, lastRejected = 0;
        var lastTick = DateTime.UtcNow;
        var lastProof = DateTime.MinValue;
        string proofLine = "waiting for the first anchored batch…";
        ulong proofsVerified = 0;
        var layout = new Table().HideHeaders().NoBorder().AddColumn("");
        // Taller than the terminal: cut the bottom with an ellipsis rather than scroll the view apart.
        await AnsiConsole.Live(layout).Overflow(VerticalOverflow.Ellipsis).Cropping(VerticalOverflowCropping.Bottom).StartAsync(async live =>
        {
            while (!cancel.IsCancellationRequested)
            {
                var now = DateTime.UtcNow;
                double seconds = Math.Max(0.001, (now - lastTick).TotalSeconds);
                long accepted = stats.Accepted, rejected = stats.Rejected;
                double acceptedRate = (accepted - lastAccepted) / seconds, rejectedRate = (rejected - lastRejected) / seconds;
                (lastAccepted, lastRejected, lastTick) = (accepted, rejected, now);

                string height = "-", anchors = "-";
                try
                {
                    height = (await node.StatusAsync(cancel)).Height.ToString(CultureInfo.InvariantCulture);
                    var gateway = await node.GatewayAsync(district.GatewayId, cancel);
                    anchors = gateway is null ? "gateway not registered yet" : gateway.NextBatch.ToString(CultureInfo.InvariantCulture);
                }
                catch (NodeApiException e)
                {
                    height = $"[red]{Markup.Escape(e.Message)}[/]";
                }

                if (now - lastProof >= ProofEvery)
                {
                    lastProof = now;
                    (proofLine, bool ok) = await CheckOneProof(node, light, random, cancel);
                    if (ok) proofsVerified++;
                }

                string[] log;
                lock (_log) log = [.. _log];
                layout.Rows.Clear();
                layout.AddRow(Compose(height, district.Devices.Count, acceptedRate, accepted, rejectedRate, rejected, Reasons(), stats.BadAccepted, anchors, proofsVerified, proofLine, log));
                live.Refresh();
                await Task.Delay(1000, cancel).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        });
    }

    /// <summary>The view (markup in <paramref name="height"/>, <paramref name="anchors"/> and <paramref name="proofLine"/>); it wraps to the terminal's width, 80 columns included.</summary>
    public static Rows Compose(string height, int devices, double acceptedRate, long accepted, double rejectedRate, long rejected, string reasons, long badAccepted,
        string anchors, ulong proofsVerified, string proofLine, IReadOnlyList<string> log)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Polis demo district[/]").AddColumn(new TableColumn("").NoWrap()).AddColumn("").HideHeaders();
        table.AddRow("chain height", height);
        table.AddRow("devices", devices.ToString(CultureInfo.InvariantCulture));
        table.AddRow("accepted", $"[green]{acceptedRate:0}/s[/]  (total {accepted:N0})");
        table.AddRow("rejected", $"[yellow]{rejectedRate:0}/s[/]  (total {rejected:N0}: {Markup.Escape(reasons)})");
        if (badAccepted > 0) table.AddRow("[red]bad accepted[/]", $"[red]{badAccepted}[/]");
        table.AddRow("batches anchored", anchors);
        table.AddRow("proofs verified", proofsVerified.ToString(CultureInfo.InvariantCulture));
        table.AddRow("latest proof", proofLine);
        table.Caption("[grey]proofs are checked against the genesis validators alone[/]");
        return new Rows(table, new Markup(Markup.Escape(string.Join('\n', log))), new Markup("[grey]Ctrl-C stops the district and the nodes[/]"));
    }

    private string Reasons() => stats.RejectedByReason.Count == 0 ? "none" : string.Join(", ", stats.RejectedByReason.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"));

    /// <summary>Fetches the proof of a reading accepted a while ago and verifies it offline; the line says what was proven or why not.</summary>
    private async Task<(string Line, bool Ok)> CheckOneProof(NodeClient node, LightClient light, Random random, CancellationToken cancel)
    {
        var pick = stats.PickSettled(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), minAgeMs: 4_000, random);
        if (pick is null) return ("waiting for the first anchored batch…", false);
        var (deviceId, sequence, _) = pick.Value;
        byte[]? proof;
        try { proof = await node.ReadingProofAsync(deviceId, sequence, cancel); }
        catch (NodeApiException e) { return ($"[yellow]{Markup.Escape(deviceId)} #{sequence}: {Markup.Escape(e.Message)}[/]", false); }
        if (proof is null) return ($"[grey]{Markup.Escape(deviceId)} #{sequence}: not anchored yet[/]", false);
        var result = light.VerifyReading(proof);
        if (!result.IsValid) return ($"[red]{Markup.Escape(deviceId)} #{sequence}: REJECTED {Markup.Escape(result.Reason)}[/]", false);
        var f = result.Facts!;
        string values = string.Join(' ', f.Values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
        return ($"[green]✓[/] {Markup.Escape(f.DeviceId)} {Markup.Escape(f.Metric)}={Markup.Escape(values)} {Markup.Escape(f.Unit)} at {DateTimeOffset.FromUnixTimeMilliseconds(f.TimeMs):HH:mm:ss}, batch {f.Batch}, block {f.BlockHeight}, {proof.Length:N0} B", true);
    }
}
