using Polis.Core.Ledger;

namespace Polis.Execution;

/// <summary>A block executed but not yet committed: its results and the state writes to commit if it is decided.</summary>
public sealed record ExecutedBlock(Block Block, IReadOnlyList<TxResult> Results, IWorkingState State);
