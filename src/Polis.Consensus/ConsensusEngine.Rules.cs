using Polis.Consensus.Actions;
using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Consensus;

/// <summary>The "upon" rules of Algorithm 1, re-evaluated after every event until none fires.</summary>
public sealed partial class ConsensusEngine
{
    private void ApplyRules()
    {
        bool progress = true;
        while (progress && !_decided && _height > 0)
        {
            if (TryDecide()) return;
            progress = TrySkipRound()
                       || TryPrevoteProposal()
                       || TryPolka()
                       || TryPrecommitNil();
            ScheduleQuorumTimeouts();
        }
    }

    private bool? Validity(Block block)
    {
        if (_validity.TryGetValue(block.Id, out bool valid)) return valid;
        RequestValidation(block);
        return null;
    }

    /// <summary>Rule 8: a proposal of any round plus a quorum of precommits for it decides the height.</summary>
    private bool TryDecide()
    {
        foreach (var (round, state) in _rounds)
        {
            if (!state.Precommits.TryGetQuorumBlock(IsQuorum, out var blockId) || blockId.IsZero) continue;
            var found = state.FindProposal(blockId);
            if (found is null)
            {
                if (!state.ProposalRequested)
                {
                    state.ProposalRequested = true;
                    _actions.Add(new RequestProposal(_height, round, blockId));
                }
                continue;
            }
            if (Validity(found.Value.Block) != true) continue;
            _decided = true;
            var commit = new Commit(_height, round, blockId, state.Precommits.SignaturesFor(blockId));
            _actions.Add(new Decide(found.Value.Block, commit));
            return true;
        }
        return false;
    }

    /// <summary>
    /// Rule 9: messages of a higher round from more than a third of the power move us there. Rounds
    /// past the storage window count by each validator's highest round seen.
    /// </summary>
    private bool TrySkipRound()
    {
        int target = -1;
        foreach (var (round, state) in _rounds)
        {
            if (round <= _round || round <= target) continue;
            if (_validators!.IsOneThird(SendersPower(state))) target = round;
        }
        int farRound = HighestRoundWithOneThird();
        if (farRound > _round + _options.RoundsAheadMax && farRound > target) target = farRound;
        if (target <= _round) return false;
        StartRound(target);
        return true;
    }

    private ulong SendersPower(RoundState state)
    {
        ulong power = 0;
        foreach (var v in _validators!.Validators)
        {
            bool sent = state.Prevotes.Has(v.Address) || state.Precommits.Has(v.Address);
            if (!sent) foreach (var (p, _) in state.Proposals) sent |= p.Proposer == v.Address;
            if (sent) power += v.Power;
        }
        return power;
    }

    private int HighestRoundWithOneThird()
    {
        if (_highestRoundSeen.Count == 0) return -1;
        var seen = new List<(int Round, ulong Power)>(_highestRoundSeen.Count);
        foreach (var (address, round) in _highestRoundSeen) seen.Add((round, _validators!.Find(address)?.Power ?? 0));
        seen.Sort((a, b) => b.Round.CompareTo(a.Round));
        ulong power = 0;
        foreach (var (round, p) in seen)
        {
            power += p;
            if (_validators!.IsOneThird(power)) return round;
        }
        return -1;
    }

    /// <summary>Rules 2 and 3: in the propose step, prevote the round's proposal or nil.</summary>
    private bool TryPrevoteProposal()
    {
        if (_step != Step.Propose || !_rounds.TryGetValue(_round, out var state)) return false;
        foreach (var (proposal, block) in state.Proposals)
        {
            bool? valid;
            bool lockAllows;
            if (proposal.ValidRound == -1)
            {
                valid = Validity(block);
                if (valid is null) continue;
                lockAllows = _options.Rules.LockAllows(_lockedRound, _lockedBlockId, -1, block.Id);
            }
            else
            {
                ulong polka = _rounds.TryGetValue(proposal.ValidRound, out var polkaRound) ? polkaRound.Prevotes.PowerFor(block.Id) : 0;
                if (!_options.Rules.PolkaJustifies(_validators!, polka)) continue;
                valid = Validity(block);
                if (valid is null) continue;
                lockAllows = _options.Rules.LockAllows(_lockedRound, _lockedBlockId, proposal.ValidRound, block.Id);
            }
            bool prevoteBlock = valid.Value && lockAllows;
            SignVote(VoteType.Prevote, prevoteBlock ? block.Id : Hash32.Zero);
            _step = Step.Prevote;
            return true;
        }
        return false;
    }

    /// <summary>Rule 5: a valid proposal with a quorum of prevotes in this round: lock and precommit it, and remember it as valid.</summary>
    private bool TryPolka()
    {
        if (_step < Step.Prevote || !_rounds.TryGetValue(_round, out var state) || state.PolkaHandled) return false;
        if (!state.Prevotes.TryGetQuorumBlock(IsQuorum, out var blockId) || blockId.IsZero) return false;
        var found = state.FindProposal(blockId);
        if (found is null || Validity(found.Value.Block) != true) return false;
        state.PolkaHandled = true;
        var block = found.Value.Block;
        // The valid value is updated before signing so the sign record (the WAL) carries it with the
        // lock: after a restart this validator must re-propose the value it is locked on.
        _validBlock = block;
        _validBlockId = block.Id;
        _validRound = _round;
        if (_step == Step.Prevote)
        {
            _lockedBlock = block;
            _lockedBlockId = block.Id;
            _lockedRound = _round;
            SignVote(VoteType.Precommit, blockId);
            _step = Step.Precommit;
        }
        return true;
    }

    /// <summary>Rule 6: a quorum of prevotes for nil: precommit nil.</summary>
    private bool TryPrecommitNil()
    {
        if (_step != Step.Prevote || !_rounds.TryGetValue(_round, out var state)) return false;
        if (!IsQuorum(state.Prevotes.PowerFor(Hash32.Zero))) return false;
        SignVote(VoteType.Precommit, Hash32.Zero);
        _step = Step.Precommit;
        return true;
    }

    /// <summary>Rules 4 and 7: a quorum of votes of any kind starts the prevote or precommit timeout, once per round.</summary>
    private void ScheduleQuorumTimeouts()
    {
        if (!_rounds.TryGetValue(_round, out var state)) return;
        if (_step == Step.Prevote && !state.PrevoteTimeoutScheduled && IsQuorum(state.Prevotes.TotalPower))
        {
            state.PrevoteTimeoutScheduled = true;
            Schedule(Step.Prevote);
        }
        if (!state.PrecommitTimeoutScheduled && IsQuorum(state.Precommits.TotalPower))
        {
            state.PrecommitTimeoutScheduled = true;
            Schedule(Step.Precommit);
        }
    }
}
