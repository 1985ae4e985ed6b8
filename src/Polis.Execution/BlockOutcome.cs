namespace Polis.Execution;

/// <summary>What executing a block produced besides its state writes: each transaction's result, the block hooks' events, and the validator changes the modules asked for.</summary>
public sealed record BlockOutcome(
    IReadOnlyList<TxResult> Results,
    IReadOnlyList<ModuleEvent> BeginBlockEvents,
    IReadOnlyList<ModuleEvent> EndBlockEvents,
    IReadOnlyList<ValidatorUpdate> ValidatorUpdates)
{
    public static readonly BlockOutcome Empty = new([], [], [], []);
}
