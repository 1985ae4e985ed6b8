using Polis.Core.Ledger;

namespace Polis.Consensus.Actions;

/// <summary>The block is final with this commit: store it, then start the next height.</summary>
public sealed record Decide(Block Block, Commit Commit) : ConsensusAction;
