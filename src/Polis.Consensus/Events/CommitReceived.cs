using Polis.Core.Ledger;

namespace Polis.Consensus.Events;

/// <summary>
/// A block with its commit for the current height, fetched from a peer because this validator fell
/// behind. The engine checks the commit's signatures and power against the height's validators.
/// </summary>
public sealed record CommitReceived(Block Block, Commit Commit) : ConsensusEvent;
