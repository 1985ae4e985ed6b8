using Polis.Core.Ledger;

namespace Polis.Simulation.Messages;

/// <summary>A decided block with its commit, for a validator that is behind.</summary>
public sealed record CommitMessage(Block Block, Commit Commit) : SimMessage(Block.Height);
