using Polis.Consensus.Actions;
using Polis.Consensus.Events;
using Polis.Core.Ledger;

namespace Polis.Consensus;

public sealed partial class ConsensusEngine
{
    /// <summary>Returns whether the proposal was kept (for a buffered one: whether it is worth relaying).</summary>
    private bool OnProposal(ProposalReceived input)
    {
        var (proposal, block) = (input.Proposal, input.Block);
        if (!AcceptHeight(proposal.Height, input)) return false;
        var expected = _validators!.Proposer(_height, proposal.Round);
        if (proposal.Proposer != expected.Address) return false;
        if (block.Id != proposal.BlockId || block.Height != _height) return false;
        if (proposal.ValidRound < -1 || proposal.ValidRound >= proposal.Round) return false; // a valid round lies before the proposal's round (line 28)
        if (!_verifier.Verify(expected.PublicKey, proposal.SignBytes(_chainId), proposal.Signature)) return false;
        NoteRound(proposal.Proposer, proposal.Round);
        if (proposal.Round > _round + _options.RoundsAheadMax) return false;
        var state = RoundAt(proposal.Round);
        ReportIfConflicting(state, proposal);
        if (state.FindProposal(block.Id) is not null || state.Proposals.Count >= _options.ProposalsPerRoundMax) return false;
        state.Proposals.Add((proposal, block));
        RequestValidation(block);
        return true;
    }

    /// <summary>The round's proposer signed something else before: evidence, once per round (the first conflict proves it).</summary>
    private void ReportIfConflicting(RoundState state, Proposal proposal)
    {
        if (state.ProposalEvidenceReported || state.Proposals.Count == 0) return;
        var first = state.Proposals[0].Proposal;
        if (first.BlockId == proposal.BlockId && first.ValidRound == proposal.ValidRound) return;
        state.ProposalEvidenceReported = true;
        _actions.Add(new ReportProposalEvidence(new DuplicateProposalEvidence(first, proposal)));
    }

    /// <summary>Returns whether the vote was counted (for a buffered one: whether it is worth relaying).</summary>
    private bool OnVote(Vote vote)
    {
        if (!AcceptHeight(vote.Height, new VoteReceived(vote))) return false;
        var validator = _validators!.Find(vote.Validator);
        if (validator is null) return false;
        if (!_verifier.Verify(validator.PublicKey, vote.SignBytes(_chainId), vote.Signature)) return false;
        NoteRound(vote.Validator, vote.Round);
        if (vote.Round > _round + _options.RoundsAheadMax) return false;
        return AddVote(vote);
    }

    /// <summary>Counts a vote whose signature is known good (received and verified, or our own); false if it was not new.</summary>
    private bool AddVote(Vote vote)
    {
        var state = RoundAt(vote.Round);
        var set = vote.Type == VoteType.Prevote ? state.Prevotes : state.Precommits;
        bool quorumBefore = IsQuorum(set.PowerFor(vote.BlockId));
        var result = set.Add(vote, out var evidence);
        if (result == VoteAddResult.Conflicting && evidence is not null)
            _actions.Add(new ReportEvidence(evidence));
        if (!quorumBefore && IsQuorum(set.PowerFor(vote.BlockId)))
            _actions.Add(new AnnounceQuorum(_height, vote.Round, vote.Type, vote.BlockId));
        return result == VoteAddResult.Added;
    }

    /// <summary>A peer's claim of a quorum in a round of this height (see <see cref="QuorumClaimed"/>); rounds the engine stores only.</summary>
    private void OnQuorumClaimed(QuorumClaimed claim)
    {
        if (_validators is null || claim.Height != _height || _decided) return;
        if (claim.Round < 0 || claim.Round > _round + _options.RoundsAheadMax) return;
        var state = RoundAt(claim.Round);
        (claim.Type == VoteType.Prevote ? state.Prevotes : state.Precommits).Claim(claim.Claimant, claim.BlockId, claim.Trusted);
    }

    /// <summary>
    /// Current height: go on. Past heights: drop (the driver answers peers that are behind).
    /// Near-future heights: keep a bounded number for later, and tell the driver we may be behind.
    /// </summary>
    private bool AcceptHeight(ulong height, ConsensusEvent input)
    {
        if (_validators is null) return false;
        if (height == _height) return !_decided;
        if (height < _height) return false;
        if (height <= _height + (ulong)_options.FutureHeightsMax) KeepForLater(input);
        if (_catchUpRequestedAt != _height)
        {
            _catchUpRequestedAt = _height;
            _actions.Add(new RequestCatchUp(_height));
        }
        return false;
    }

    /// <summary>Keeps a message of a later height within the buffer's bounds: in all, and per validator (count and bytes).</summary>
    private void KeepForLater(ConsensusEvent input)
    {
        var (sender, bytes) = input switch
        {
            ProposalReceived p => (p.Proposal.Proposer, Proposal.EncodedSize + p.Block.ApproximateBytes),
            VoteReceived v => (v.Vote.Validator, (long)Vote.EncodedSize),
            _ => (default(Polis.Core.Crypto.Address), 0L),
        };
        if (bytes == 0 || _future.Count >= _options.FutureMessagesMax || _futureBytes + bytes > _options.FutureBytesMax) return;
        var share = _futureBySender.TryGetValue(sender, out var s) ? s : (0, 0L);
        if (share.Item1 >= _options.FutureMessagesPerSenderMax || share.Item2 + bytes > _options.FutureBytesPerSenderMax) return;
        _futureBySender[sender] = (share.Item1 + 1, share.Item2 + bytes);
        _futureBytes += bytes;
        _future.Add(input);
    }

    private void NoteRound(Polis.Core.Crypto.Address validator, int round)
    {
        if (!_highestRoundSeen.TryGetValue(validator, out int seen) || round > seen) _highestRoundSeen[validator] = round;
    }

    private void RequestValidation(Block block)
    {
        if (_validationRequested.Add(block.Id)) _actions.Add(new ValidateBlock(block));
    }
}
