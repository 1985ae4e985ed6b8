using Polis.Core.Ledger;

namespace Polis.Consensus.Actions;

/// <summary>A validator signed two conflicting votes: keep the evidence for a block.</summary>
public sealed record ReportEvidence(DuplicateVoteEvidence Evidence) : ConsensusAction;
