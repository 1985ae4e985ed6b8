using System.Text.Json;
using System.Text.Json.Serialization;

namespace Polis.Simulation;

/// <summary>
/// The exact command that replays a run: every option, and the mutation if the run carried one.
/// A run the scenario builder would make from (scenario, validators, heights, seed) replays with
/// those four flags; any other with all its options as JSON; a mutated one through the simulator's
/// tests, which own the mutations.
/// </summary>
public static class SimulationReplay
{
    public const string EnvironmentVariable = "POLIS_SIM_REPLAY";
    private static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string ToJson(SimulationOptions options) => JsonSerializer.Serialize(options, Json);

    public static SimulationOptions FromJson(string json) =>
        JsonSerializer.Deserialize<SimulationOptions>(json, Json) ?? throw new FormatException("no simulation options in the replay JSON");

    public static string Command(SimulationOptions options)
    {
        string json = ToJson(options);
        if (options.Mutation is not null)
            return $"{EnvironmentVariable}='{json}' dotnet test tests/Polis.Simulation.Tests --filter FullyQualifiedName~SimulationReplayTests";
        var built = ScenarioBuilder.Build(options.Scenario, options.Validators, options.Heights, options.Seed);
        if (ToJson(built) == json)
            return $"dotnet run --project src/Polis.Cli -- sim --validators {options.Validators} --heights {options.Heights} --seed {options.Seed} --scenario {options.Scenario}";
        return $"dotnet run --project src/Polis.Cli -- sim --replay '{json}'";
    }
}
