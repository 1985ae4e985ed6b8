using Polis.Core.Ledger;

namespace Polis.Consensus;

/// <summary>Everything received for one round of the current height, plus the "first time" flags of the rules.</summary>
internal sealed class RoundState(ValidatorSet validators)
{
    public VoteSet Prevotes { get; } = new(validators);
    public VoteSet Precommits { get; } = new(validators);
    /// <summary>Proposals of this round from its proposer, the first one received first (an equivocating proposer may send several).</summary>
    public List<(Proposal Proposal, Block Block)> Proposals { get; } = new();

    public bool PrevoteTimeoutScheduled { get; set; }
    public bool PrecommitTimeoutScheduled { get; set; }
    public bool PolkaHandled { get; set; }
    public bool ProposalRequested { get; set; }
    public bool ProposalEvidenceReported { get; set; }

    public (Proposal Proposal, Block Block)? First => Proposals.Count > 0 ? Proposals[0] : null;

    public (Proposal Proposal, Block Block)? FindProposal(in Polis.Core.Crypto.Hash32 blockId)
    {
        foreach (var p in Proposals) if (p.Block.Id == blockId) return p;
        return null;
    }
}
