using Polis.Consensus.Actions;
using Polis.Consensus.Events;
using Polis.Core.Ledger;

namespace Polis.Consensus;

public sealed partial class ConsensusEngine
{
    private void OnProposal(ProposalReceived input)
    {
        var (proposal, block) = (input.Proposal, input.Block);
        if (!AcceptHeight(proposal.Height, input)) return;
        var expected = _validators!.Proposer(_height, proposal.Round);
        if (proposal.Proposer != expected.Address) return;
        if (block.Id != proposal.BlockId || block.Height != _height) return;
        if (proposal.ValidRound < -1 || proposal.ValidRound >= proposal.Round) return; // a valid round lies before the proposal's round (line 28)
        if (!_verifier.Verify(expected.PublicKey, proposal.SignBytes(_chainId), proposal.Signature)) return;
        NoteRound(proposal.Proposer, proposal.Round);
        if (proposal.Round > _round + _options.RoundsAheadMax) return;
        var state = RoundAt(proposal.Round);
        if (state.FindProposal(block.Id) is not null || state.Proposals.Count >= _options.ProposalsPerRoundMax) return;
        state.Proposals.Add((proposal, block));
        RequestValidation(block);
    }

    private void OnVote(Vote vote)
    {
        if (!AcceptHeight(vote.Height, new VoteReceived(vote))) return;
        var validator = _validators!.Find(vote.Validator);
        if (validator is null) return;
        if (!_verifier.Verify(validator.PublicKey, vote.SignBytes(_chainId), vote.Signature)) return;
        NoteRound(vote.Validator, vote.Round);
        if (vote.Round > _round + _options.RoundsAheadMax) return;
        AddVote(vote);
    }

    /// <summary>Counts a vote whose signature is known good (received and verified, or our own).</summary>
    private void AddVote(Vote vote)
    {
        var state = RoundAt(vote.Round);
        var set = vote.Type == VoteType.Prevote ? state.Prevotes : state.Precommits;
        if (set.Add(vote, out var evidence) == VoteAddResult.Conflicting && evidence is not null)
            _actions.Add(new ReportEvidence(evidence));
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
        if (height <= _height + (ulong)_options.FutureHeightsMax && _future.Count < _options.FutureMessagesMax) _future.Add(input);
        if (_catchUpRequestedAt != _height)
        {
            _catchUpRequestedAt = _height;
            _actions.Add(new RequestCatchUp(_height));
        }
        return false;
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
