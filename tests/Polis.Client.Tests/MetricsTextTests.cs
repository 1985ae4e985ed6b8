using Polis.Client.Api;

namespace Polis.Client.Tests;

public sealed class MetricsTextTests
{
    private const string Page = """
        # HELP polis_p2p_txs_received_total Transactions received from peers.
        # TYPE polis_p2p_txs_received_total counter
        polis_p2p_txs_received_total{result="new"} 1200
        polis_p2p_txs_received_total{result="duplicate"} 35
        polis_p2p_txs_received_total_extra 999
        polis_signature_checks_total 1.5e3
        polis_height 42 1700000000000
        """;

    [Fact]
    public void Totals_the_samples_of_one_metric_that_carry_the_given_labels()
    {
        Assert.Equal(1235, MetricsText.Sum(Page, "polis_p2p_txs_received_total"));
        Assert.Equal(35, MetricsText.Sum(Page, "polis_p2p_txs_received_total", "result=\"duplicate\""));
        Assert.Equal(1500, MetricsText.Sum(Page, "polis_signature_checks_total"));
        Assert.Equal(42, MetricsText.Sum(Page, "polis_height"));
        Assert.Equal(0, MetricsText.Sum(Page, "polis_missing"));
        Assert.Equal(0, MetricsText.Sum(Page, "polis_p2p_txs_received_total", "result=\"refused\""));
    }
}
