using Polis.Cli.Demo;
using Spectre.Console;

namespace Polis.Cli.Tests;

/// <summary>The demo's live view fits an 80-column terminal: long lines wrap, nothing is cut.</summary>
public sealed class DemoDashboardTests
{
    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    public void The_live_view_fits_the_terminal_width_and_its_last_line_is_whole(int width)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
        });
        console.Profile.Width = width;
        string reasons = "bad-signature 1,234, replayed 1,201, out-of-order 12, unknown-device 3, device-revoked 1, wrong-gateway 7";
        string proof = "[green]✓[/] parking-bay-0123 occupied=1 bool at 12:34:56, batch 1,234, block 56,789, 12,345 B";
        string[] log = ["12:00:00 registered gateway gw-0 and 400 devices on chain; the district publishes 200 readings a second over MQTT 5",
            "12:00:05 a reading of meter-0001 was refused: bad-signature: the signature does not verify under the current key of 'meter-0001'"];
        console.Write(DemoDashboard.Compose("56,789", 400, 198.6, 1_234_567, 2.4, 2_435, reasons, 0, "1,234", 411, proof, log));
        var lines = writer.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.All(lines, line => Assert.True(line.Length <= width, $"{line.Length} columns: {line}"));
        Assert.Contains(lines, l => l.Contains("Ctrl-C stops the district and the nodes"));
        Assert.Contains(lines, l => l.Contains("parking-bay-0123")); // the proof line is there, wrapped, not cut
    }
}
