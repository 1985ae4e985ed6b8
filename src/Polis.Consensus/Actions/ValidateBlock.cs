using Polis.Core.Ledger;

namespace Polis.Consensus.Actions;

/// <summary>Execute this proposed block and answer with <see cref="Events.BlockValidated"/>.</summary>
public sealed record ValidateBlock(Block Block) : ConsensusAction;
