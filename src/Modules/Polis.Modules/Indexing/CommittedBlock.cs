using Polis.Core.Ledger;
using Polis.Execution;

namespace Polis.Modules.Indexing;

/// <summary>A decided block with what executing it produced.</summary>
public sealed record CommittedBlock(Block Block, BlockOutcome Outcome);
