using Polis.Core.Ledger;

namespace Polis.Execution;

/// <summary>A block executed but not yet committed: what it produced, and the state writes to commit if it is decided.</summary>
public sealed record ExecutedBlock(Block Block, BlockOutcome Outcome, IWorkingState State);
