using Polis.Execution;

namespace Polis.Simulation;

/// <summary>Runs one simulation with each validator's state in memory (standing in for its disk).</summary>
public static class SimulationRunner
{
    public static SimulationResult Run(SimulationOptions options) => new Simulator(options, TreeState.InMemory).Run();
}
