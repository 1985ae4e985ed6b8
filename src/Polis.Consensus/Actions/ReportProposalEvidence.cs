using Polis.Core.Ledger;

namespace Polis.Consensus.Actions;

/// <summary>A proposer signed two different proposals for one round: keep the evidence (governance acts on it).</summary>
public sealed record ReportProposalEvidence(DuplicateProposalEvidence Evidence) : ConsensusAction;
