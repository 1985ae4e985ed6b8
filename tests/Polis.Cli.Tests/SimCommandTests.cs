namespace Polis.Cli.Tests;

public sealed class SimCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public void The_readme_command_runs_and_reports_every_checker_passing()
    {
        var (code, output, _) = PolisProcess.Run(Timeout, "sim", "--validators", "4", "--heights", "30", "--seed", "7");
        Assert.Equal(0, code);
        Assert.Contains("all passed", output);
        Assert.Contains("heights decided", output);
    }

    [Fact]
    public void A_run_beyond_the_fault_bound_exits_non_zero_and_prints_the_replay_command()
    {
        var (code, output, _) = PolisProcess.Run(Timeout, "sim", "--validators", "4", "--heights", "5", "--seed", "1", "--scenario", "BeyondFaultBound");
        Assert.Equal(1, code);
        Assert.Contains("[agreement]", output);
        Assert.Contains("--seed 1 --scenario BeyondFaultBound", output.Replace("\n", " "));
    }

    [Fact]
    public void Bad_arguments_give_a_message_and_a_non_zero_exit()
    {
        var (code, _, error) = PolisProcess.Run(Timeout, "sim", "--validators", "0");
        Assert.NotEqual(0, code);
        Assert.Contains("--validators", error);
        var (code2, _, error2) = PolisProcess.Run(Timeout, "sim", "--scenario", "Nonsense");
        Assert.NotEqual(0, code2);
        Assert.Contains("Nonsense", error2);
    }
}
