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

    private void ResumeFromRecord(SignRecord record)
    {
        _lockedRound = record.LockedRound;
        _lockedBlock = record.LockedBlock;
        _validRound = record.ValidRound;
        _validBlock = record.ValidBlock;
        if (_lockedBlock is not null) { _validity[_lockedBlock.Id] = true; _validationRequested.Add(_lockedBlock.Id); }
        if (_validBlock is not null) { _validity[_validBlock.Id] = true; _validationRequested.Add(_validBlock.Id); }
        _round = record.Round;
        _step = record.Step;
        // Re-create our last vote (Ed25519 is deterministic: the same bytes as before the crash) so it is counted and re-sent.
        if (record.Step != Step.Propose && _signer is not null)
        {
            var type = record.Step == Step.Prevote ? VoteType.Prevote : VoteType.Precommit;
            var vote = Vote.Create(_chainId, _signer, type, _height, _round, record.BlockId);
            _actions.Add(new BroadcastVote(vote));
            AddVote(vote);
        }
        Schedule(_step);
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

    private void Persist(Step step, Hash32 blockId, int proposalValidRound)
    {
        _lastSigned = new SignRecord(_height, _round, step, blockId, proposalValidRound, _lockedRound, _lockedBlock, _validRound, _validBlock);
        _actions.Add(new PersistSignRecord(_lastSigned));
    }

    private void SignProposal(Block block, int validRound)
    {
        if (!IsActiveValidator || !MaySign(Step.Propose, block.Id, validRound)) return;
        Persist(Step.Propose, block.Id, validRound);
        var proposal = Proposal.Create(_chainId, _signer!, _height, _round, validRound, block.Id);
        var broadcast = new BroadcastProposal(proposal, block);
        _actions.Add(broadcast);
        var state = RoundAt(_round);
        if (state.FindProposal(block.Id) is null) state.Proposals.Add((proposal, block));
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
