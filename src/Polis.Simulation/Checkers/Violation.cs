namespace Polis.Simulation.Checkers;

/// <summary>A broken safety or liveness property, found by a checker.</summary>
public sealed record Violation(string Checker, long TimeMs, string Detail)
{
    public override string ToString() => $"[{Checker}] at {TimeMs} ms: {Detail}";
}
