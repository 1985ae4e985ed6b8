using Polis.Consensus.Actions;
using Polis.Consensus.Events;
using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Consensus.Tests;

/// <summary>The obligations the paper leaves to the implementation: power thresholds, evidence, signatures, persistence, catch-up.</summary>
public sealed class EngineObligationTests
{
    private static Block BlockA => EngineHarness.MakeBlock(1, 1);
    private static Block BlockB => EngineHarness.MakeBlock(1, 2);

    [Fact]
    public void Quorum_is_counted_by_voting_power_not_by_head_count()
    {
        var h = new EngineHarness(me: 1, powers: [10, 1, 1, 1]);
        h.Start();
        h.Send(new TimeoutFired(1, 0, Step.Propose));
        h.Votes(VoteType.Prevote, 0, Hash32.Zero, 2, 3); // with ours: 3 of 4 heads, but 3 of 13 power
        Assert.Empty(h.SentVotes(VoteType.Precommit));
        h.Votes(VoteType.Prevote, 0, Hash32.Zero, 0); // the heavy validator tips it
        Assert.True(h.LastVote(VoteType.Precommit).IsNil);
    }

    [Fact]
    public void Two_different_votes_from_one_validator_for_one_step_become_evidence_and_count_once_toward_any_quorum()
    {
        var h = new EngineHarness();
        h.Start();
        h.Send(new TimeoutFired(1, 0, Step.Propose)); // our nil prevote
        h.Send(EngineHarness.Vote(1, VoteType.Prevote, 0, BlockA.Id));
        var actions = h.Send(EngineHarness.Vote(1, VoteType.Prevote, 0, BlockB.Id));
        var evidence = Assert.Single(actions.OfType<ReportEvidence>()).Evidence;
        Assert.Equal(EngineHarness.Keys[1].Address, evidence.Validator);
        Assert.True(evidence.Verify(EngineHarness.ChainId, EngineHarness.Keys[1].PublicKey));
        Assert.Empty(h.Timeouts(Step.Prevote)); // two validators so far, whatever validator 1 signed
        h.Votes(VoteType.Prevote, 0, BlockA.Id, 2);
        Assert.Single(h.Timeouts(Step.Prevote));
    }

    [Fact]
    public void An_equivocators_second_vote_still_counts_for_its_own_block()
    {
        // Validator 1 showed A to others and B to us first; the polka for A that the others saw must be visible here too.
        var h = new EngineHarness();
        h.Start();
        h.Send(h.Proposal(BlockA, 0));
        h.Valid(BlockA); // we prevote A
        h.Send(EngineHarness.Vote(1, VoteType.Prevote, 0, BlockB.Id));
        h.Send(EngineHarness.Vote(1, VoteType.Prevote, 0, BlockA.Id));
        h.Votes(VoteType.Prevote, 0, BlockA.Id, 2);
        Assert.Equal(BlockA.Id, h.LastVote(VoteType.Precommit).BlockId);
    }

    [Fact]
    public void An_equivocators_vote_beyond_the_kept_ones_counts_once_a_peer_claims_a_quorum_for_its_block()
    {
        // Validator 1 sent us more made-up prevotes than a vote set keeps of it before the one the
        // others counted in their polka for A: dropped, until a peer claims the quorum for A.
        var h = new EngineHarness();
        h.Start();
        h.Send(h.Proposal(BlockA, 0));
        h.Valid(BlockA); // we prevote A
        for (int i = 0; i < 8; i++) h.Send(EngineHarness.Vote(1, VoteType.Prevote, 0, Sha256.Hash([(byte)i, 99])));
        h.Votes(VoteType.Prevote, 0, BlockA.Id, 2);
        h.Send(EngineHarness.Vote(1, VoteType.Prevote, 0, BlockA.Id));
        Assert.Empty(h.SentVotes(VoteType.Precommit)); // its ninth vote was not kept: no polka here
        Assert.Empty(h.Actions.OfType<AnnounceQuorum>());

        var peer = Sha256.Hash([1]);
        h.Send(new QuorumClaimed(1, 0, VoteType.Prevote, BlockA.Id, peer));
        var actions = h.Send(EngineHarness.Vote(1, VoteType.Prevote, 0, BlockA.Id)); // its copy comes again
        Assert.Equal(BlockA.Id, h.LastVote(VoteType.Precommit).BlockId);
        var announced = Assert.Single(actions.OfType<AnnounceQuorum>());
        Assert.Equal((1UL, 0, VoteType.Prevote, BlockA.Id), (announced.Height, announced.Round, announced.Type, announced.BlockId));
    }

    [Fact]
    public void Quorum_claims_let_in_one_block_per_claimant_and_no_more_claimants_than_the_bound()
    {
        var h = new EngineHarness();
        h.Start();
        for (int i = 0; i < 8; i++) h.Send(EngineHarness.Vote(1, VoteType.Prevote, 0, Sha256.Hash([(byte)i, 99])));
        var liar = Sha256.Hash([7]);
        h.Send(new QuorumClaimed(1, 0, VoteType.Prevote, Sha256.Hash([1, 1]), liar));
        h.Send(new QuorumClaimed(1, 0, VoteType.Prevote, Sha256.Hash([2, 2]), liar)); // its second claim: not heard
        h.Send(EngineHarness.Vote(1, VoteType.Prevote, 0, Sha256.Hash([1, 1])));
        h.Send(EngineHarness.Vote(1, VoteType.Prevote, 0, Sha256.Hash([2, 2])));
        Assert.Equal(9, h.Engine.Footprint().VotesPerRoundMax);

        for (int c = 0; c < VoteSet.ClaimantsMax + 10; c++)
            h.Send(new QuorumClaimed(1, 0, VoteType.Prevote, Sha256.Hash([(byte)c, 3]), Sha256.Hash([(byte)c, 4])));
        for (int c = 0; c < VoteSet.ClaimantsMax + 10; c++)
            h.Send(EngineHarness.Vote(1, VoteType.Prevote, 0, Sha256.Hash([(byte)c, 3])));
        Assert.Equal(VoteSet.VotesPerValidatorMax + VoteSet.ClaimantsMax, h.Engine.Footprint().VotesPerRoundMax);

        // Strangers took every slot of theirs; a pinned peer's claim is still heard, in slots of its own.
        var pinned = Sha256.Hash([9, 9]);
        h.Send(new QuorumClaimed(1, 0, VoteType.Prevote, Sha256.Hash([5, 5]), pinned, Trusted: true));
        h.Send(EngineHarness.Vote(1, VoteType.Prevote, 0, Sha256.Hash([5, 5])));
        Assert.Equal(VoteSet.VotesPerValidatorMax + VoteSet.ClaimantsMax + 1, h.Engine.Footprint().VotesPerRoundMax);
        Assert.True(VoteSet.VotesPerValidatorHeldMax * 4 <= ConsensusOptions.VotesPerRoundMax(4));
    }

    [Fact]
    public void Votes_with_bad_signatures_or_from_strangers_are_ignored()
    {
        var h = new EngineHarness();
        h.Start();
        var good = EngineHarness.Vote(1, VoteType.Precommit, 0, BlockA.Id).Vote;
        h.Send(new VoteReceived(good with { Signature = EngineHarness.Vote(2, VoteType.Precommit, 0, BlockA.Id).Vote.Signature }));
        var stranger = Vote.Create(EngineHarness.ChainId, EngineHarness.Keys[6], VoteType.Precommit, 1, 0, BlockA.Id);
        h.Send(new VoteReceived(stranger));
        var otherChain = Vote.Create("another-chain", EngineHarness.Keys[3], VoteType.Precommit, 1, 0, BlockA.Id);
        h.Send(new VoteReceived(otherChain));
        h.Votes(VoteType.Precommit, 0, BlockA.Id, 2);
        Assert.Empty(h.Timeouts(Step.Precommit)); // only validator 2 counted
    }

    [Fact]
    public void A_proposal_from_the_wrong_proposer_is_ignored()
    {
        var h = new EngineHarness();
        h.Start();
        int wrong = (h.KeyIndexOfProposer(1, 0) + 1) % 4;
        var proposal = Proposal.Create(EngineHarness.ChainId, EngineHarness.Keys[wrong], 1, 0, -1, BlockA.Id);
        var actions = h.Send(new ProposalReceived(proposal, BlockA));
        Assert.Empty(actions.OfType<ValidateBlock>());
    }

    [Fact]
    public void Messages_for_the_next_height_are_kept_and_replayed_when_it_starts()
    {
        var h = new EngineHarness();
        h.Start();
        var next = EngineHarness.MakeBlock(2, 9);
        var actions = h.Send(EngineHarness.Vote(1, VoteType.Precommit, 0, next.Id, height: 2));
        Assert.Single(actions.OfType<RequestCatchUp>());
        h.Send(EngineHarness.Vote(2, VoteType.Precommit, 0, next.Id, height: 2));
        h.Send(EngineHarness.Vote(3, VoteType.Precommit, 0, next.Id, height: 2));
        // Finish height 1 by a received commit, then start 2: the buffered precommits count at once.
        h.Send(h.Proposal(BlockA, 0));
        h.Valid(BlockA);
        h.Votes(VoteType.Precommit, 0, BlockA.Id, 1, 2, 3);
        Assert.True(h.Engine.HasDecided);
        var started = h.Send(new StartHeight(2, h.Validators));
        Assert.Contains(started, a => a is RequestProposal rp && rp.BlockId == next.Id);
    }

    [Fact]
    public void Stale_messages_from_a_past_height_change_nothing()
    {
        var h = new EngineHarness();
        h.Start(height: 5);
        var actions = h.Send(EngineHarness.Vote(1, VoteType.Precommit, 0, BlockA.Id, height: 4));
        Assert.Empty(actions);
    }

    [Fact]
    public void A_validator_that_is_behind_adopts_a_block_with_a_valid_commit()
    {
        var h = new EngineHarness();
        h.Start();
        var commit = CommitFor(BlockA, 0, 1, 2, 3);
        var actions = h.Send(new CommitReceived(BlockA, commit));
        Assert.Equal(BlockA.Id, Assert.Single(actions.OfType<Decide>()).Block.Id);
    }

    [Fact]
    public void A_commit_without_two_thirds_of_the_power_is_refused()
    {
        var h = new EngineHarness();
        h.Start();
        var actions = h.Send(new CommitReceived(BlockA, CommitFor(BlockA, 0, 1, 2)));
        Assert.Empty(actions.OfType<Decide>());
        var forged = new Commit(1, 0, BlockA.Id, CommitFor(BlockB, 0, 1, 2, 3).Signatures.ToArray());
        Assert.Empty(h.Send(new CommitReceived(BlockA, forged)).OfType<Decide>());
    }

    [Fact]
    public void After_a_restart_the_validator_never_signs_a_different_vote_for_a_step_it_signed()
    {
        var before = new EngineHarness();
        before.Start();
        before.Send(before.Proposal(BlockA, 0));
        before.Valid(BlockA);
        var signed = before.LastVote(VoteType.Prevote);
        var wal = before.Engine.LastSigned!;

        var after = new EngineHarness();
        after.Engine.Restore(wal);
        var resumed = after.Start();
        // It re-sends the very same prevote (same signature: Ed25519 is deterministic) and is in the prevote step.
        Assert.Equal(signed, Assert.Single(resumed.OfType<BroadcastVote>()).Vote);
        Assert.Equal(Step.Prevote, after.Engine.Step);
        // A proposal for B in the same round does not produce a second prevote.
        after.Send(after.Proposal(BlockB, 0));
        after.Valid(BlockB);
        Assert.Single(after.SentVotes(VoteType.Prevote));
    }

    [Fact]
    public void After_a_restart_the_lock_is_kept()
    {
        var before = new EngineHarness();
        before.Start();
        before.Send(before.Proposal(BlockA, 0));
        before.Valid(BlockA);
        before.Votes(VoteType.Prevote, 0, BlockA.Id, 1, 2);
        var after = new EngineHarness();
        after.Engine.Restore(before.Engine.LastSigned!);
        after.Start();
        Assert.Equal(0, after.Engine.LockedRound);
        Assert.Equal(BlockA.Id, after.Engine.LockedBlockId);
        after.Send(new TimeoutFired(1, 0, Step.Precommit));
        after.Send(after.Proposal(BlockB, 1));
        after.Valid(BlockB);
        Assert.True(after.LastVote(VoteType.Prevote).IsNil);
    }

    [Fact]
    public void Every_signature_is_persisted_before_it_is_broadcast()
    {
        var h = new EngineHarness(me: 1);
        h.Start();
        h.Send(new BlockBuilt(1, 0, BlockA));
        h.Votes(VoteType.Prevote, 0, BlockA.Id, 0, 2);
        h.Votes(VoteType.Precommit, 0, BlockA.Id, 0, 2);
        var list = h.Actions;
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is not (BroadcastVote or BroadcastProposal)) continue;
            Assert.True(i > 0 && list[i - 1] is PersistSignRecord, $"action {i} ({list[i].GetType().Name}) not preceded by its WAL record");
        }
        Assert.Single(list.OfType<Decide>());
    }

    [Fact]
    public void Two_different_proposals_of_one_proposer_for_a_round_become_evidence_once()
    {
        var h = new EngineHarness();
        h.Start();
        h.Send(h.Proposal(BlockA, 0));
        var conflicting = h.Send(h.Proposal(BlockB, 0));
        var evidence = Assert.Single(conflicting.OfType<ReportProposalEvidence>()).Evidence;
        Assert.Equal((1UL, 0), (evidence.Height, evidence.ProposalA.Round));
        Assert.True(evidence.Verify(EngineHarness.ChainId, EngineHarness.Keys[h.KeyIndexOfProposer(1, 0)].PublicKey));
        Assert.Empty(h.Send(h.Proposal(EngineHarness.MakeBlock(1, 3), 0)).OfType<ReportProposalEvidence>());
        Assert.Empty(h.Send(h.Proposal(BlockA, 0)).OfType<ReportProposalEvidence>());
    }

    [Fact]
    public void An_observer_without_a_key_follows_decisions_without_signing()
    {
        var validators = new EngineHarness().Validators;
        var engine = new ConsensusEngine(EngineHarness.ChainId, signer: null);
        engine.Handle(new StartHeight(1, validators));
        var h = new EngineHarness();
        engine.Handle(h.Proposal(BlockA, 0));
        engine.Handle(new BlockValidated(1, BlockA.Id, BlockVerdict.Valid, ""));
        var actions = new List<Polis.Consensus.Actions.ConsensusAction>();
        foreach (int v in new[] { 1, 2, 3 }) actions.AddRange(engine.Handle(EngineHarness.Vote(v, VoteType.Precommit, 0, BlockA.Id)));
        Assert.Single(actions.OfType<Decide>());
        Assert.Null(engine.LastSigned);
    }

    private static Commit CommitFor(Block block, int round, params int[] validators)
    {
        var sigs = validators.Order().Select(v => new CommitSignature((ushort)v,
            Vote.Create(EngineHarness.ChainId, EngineHarness.Keys[v], VoteType.Precommit, block.Height, round, block.Id).Signature)).ToArray();
        return new Commit(block.Height, round, block.Id, sigs);
    }
}
