using Polis.Consensus.Actions;
using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Consensus;

public sealed partial class ConsensusEngine
{
    private SignRecord? _lastSigned;

    /// <summary>
    /// Restores what this validator last signed (from its WAL) before the first <see cref="Events.StartHeight"/>
    /// after a restart. From then on it signs nothing at or before that (height, round, step) unless
    /// it is the very same message, and resumes that height with the lock it had.
    /// </summary>
    public void Restore(SignRecord lastSigned)
    {
        Invariant.Check(_validators is null, "restore must come before the first height starts");
        _lastSigned = lastSigned;
    }

    /// <summary>
    /// Resumes the height this validator was in when it stopped: its lock and valid value, its
    /// round and step, and what it signed last, sent again (Ed25519 is deterministic: the same bytes
    /// as before the crash; a proposal from the block its record carries). Timeouts then start as
    /// the rules say: a prevote or precommit step's on a quorum of votes (rules 4 and 7), not at
    /// once; a proposer that re-sent its proposal needs none.
    /// </summary>
    private void ResumeFromRecord(SignRecord record)
    {
        if (record.IsFloor)
        {
            // Nothing of this height may be signed (MaySign refuses every round): follow it without a lock.
            StartRound(0);
            return;
        }
        _lockedRound = record.LockedRound;
        _lockedBlock = record.LockedBlock;
        _lockedBlockId = record.LockedBlockId;
        _validRound = record.ValidRound;
        _validBlock = record.ValidBlock;
        _validBlockId = record.ValidBlockId;
        if (_lockedBlock is not null) { _validity[_lockedBlock.Id] = true; _validationRequested.Add(_lockedBlock.Id); }
        if (_validBlock is not null) { _validity[_validBlock.Id] = true; _validationRequested.Add(_validBlock.Id); }
        _round = record.Round;
        _step = record.Step;
        if (_signer is null) return;
        if (record.Step == Step.Propose)
        {
            if (record.ProposedBlock is { } proposed)
            {
                _validity[proposed.Id] = true;
                _validationRequested.Add(proposed.Id);
                var proposal = Proposal.Create(_chainId, _signer, _height, _round, record.ProposalValidRound, proposed.Id);
                _actions.Add(new BroadcastProposal(proposal, proposed));
                var state = RoundAt(_round);
                if (state.FindProposal(proposed.Id) is null) state.Proposals.Add((proposal, proposed));
            }
            else
            {
                // A record from the guard alone (or an older WAL) names the proposal but not its block: wait like the others.
                Schedule(Step.Propose);
            }
            return;
        }
        var type = record.Step == Step.Prevote ? VoteType.Prevote : VoteType.Precommit;
        var vote = Vote.Create(_chainId, _signer, type, _height, _round, record.BlockId);
        _actions.Add(new BroadcastVote(vote));
        AddVote(vote);
    }

    /// <summary>
    /// The double-sign guard: signing is allowed only strictly after the last signed (height, round,
    /// step), or for exactly the same content again.
    /// </summary>
    private bool MaySign(Step step, in Hash32 blockId, int proposalValidRound)
    {
        if (_lastSigned is null || _lastSigned.IsBefore(_height, _round, step)) return true;
        return _lastSigned.Height == _height && _lastSigned.Round == _round && _lastSigned.Step == step
               && _lastSigned.BlockId == blockId && _lastSigned.ProposalValidRound == proposalValidRound;
    }

    private bool IsActiveValidator => _signer is not null && _validators!.IndexOf(_signer.Address) >= 0;

    private void Persist(Step step, Hash32 blockId, int proposalValidRound, Block? proposed = null)
    {
        _lastSigned = new SignRecord(_height, _round, step, blockId, proposalValidRound, _lockedRound, _lockedBlock, _validRound, _validBlock)
        {
            LockedBlockId = _lockedBlockId,
            ValidBlockId = _validBlockId,
            ProposedBlock = proposed,
        };
        _actions.Add(new PersistSignRecord(_lastSigned));
    }

    /// <summary>Signs and sends a proposal; false when this validator may not (not active, or it signed another for this round).</summary>
    private bool SignProposal(Block block, int validRound)
    {
        if (!IsActiveValidator || !MaySign(Step.Propose, block.Id, validRound)) return false;
        Persist(Step.Propose, block.Id, validRound, block);
        var proposal = Proposal.Create(_chainId, _signer!, _height, _round, validRound, block.Id);
        var broadcast = new BroadcastProposal(proposal, block);
        _actions.Add(broadcast);
        var state = RoundAt(_round);
        if (state.FindProposal(block.Id) is null) state.Proposals.Add((proposal, block));
        return true;
    }

    private void SignVote(VoteType type, Hash32 blockId)
    {
        var step = type == VoteType.Prevote ? Step.Prevote : Step.Precommit;
        if (!IsActiveValidator || !MaySign(step, blockId, -1)) return;
        Persist(step, blockId, -1);
        var vote = Vote.Create(_chainId, _signer!, type, _height, _round, blockId);
        var broadcast = new BroadcastVote(vote);
        _actions.Add(broadcast);
        AddVote(vote);
    }
}
