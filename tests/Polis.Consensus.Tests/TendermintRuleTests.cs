using Polis.Consensus.Actions;
using Polis.Consensus.Events;
using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Consensus.Tests;

/// <summary>One test (or more) per rule of ../shared/TENDERMINT.md, stepping the engine directly.</summary>
public sealed class TendermintRuleTests
{
    private static Block BlockA => EngineHarness.MakeBlock(1, 1);
    private static Block BlockB => EngineHarness.MakeBlock(1, 2);

    [Fact]
    public void Rule1_proposer_without_valid_value_builds_a_fresh_block_and_proposes_it()
    {
        var h = new EngineHarness(me: 1); // validator 1 proposes (1, 0)
        var actions = h.Start();
        var build = Assert.Single(actions.OfType<BuildBlock>());
        Assert.Equal((1UL, 0), (build.Height, build.Round));
        var proposed = h.Send(new BlockBuilt(1, 0, BlockA));
        var broadcast = Assert.Single(proposed.OfType<BroadcastProposal>());
        int at = proposed.ToList().IndexOf(broadcast);
        Assert.True(at > 0 && proposed[at - 1] is PersistSignRecord { Record.Step: Step.Propose }, "the proposal is persisted before it is sent");
        Assert.Equal(-1, broadcast.Proposal.ValidRound);
        Assert.Equal(BlockA.Id, broadcast.Proposal.BlockId);
        // The proposer prevotes its own (already valid) block right away.
        Assert.Equal(BlockA.Id, h.LastVote(VoteType.Prevote).BlockId);
    }

    [Fact]
    public void Rule1_non_proposer_starts_the_propose_timeout()
    {
        var h = new EngineHarness(me: 0);
        var actions = h.Start();
        Assert.Empty(actions.OfType<BuildBlock>());
        var timeout = Assert.Single(actions.OfType<ScheduleTimeout>());
        Assert.Equal(Step.Propose, timeout.Step);
        Assert.Equal(Step.Propose, h.Engine.Step);
    }

    [Fact]
    public void Rule2_a_valid_fresh_proposal_is_prevoted_once_the_executor_says_it_is_valid()
    {
        var h = new EngineHarness();
        h.Start();
        var actions = h.Send(h.Proposal(BlockA, 0));
        Assert.Single(actions.OfType<ValidateBlock>());
        Assert.Empty(h.SentVotes(VoteType.Prevote));
        h.Valid(BlockA);
        Assert.Equal(BlockA.Id, h.LastVote(VoteType.Prevote).BlockId);
        Assert.Equal(Step.Prevote, h.Engine.Step);
    }

    [Fact]
    public void Rule2_an_invalid_proposal_gets_a_nil_prevote()
    {
        var h = new EngineHarness();
        h.Start();
        h.Send(h.Proposal(BlockA, 0));
        h.Valid(BlockA, valid: false);
        Assert.True(h.LastVote(VoteType.Prevote).IsNil);
    }

    [Fact]
    public void Rule2_a_validator_locked_on_another_block_prevotes_nil_for_a_fresh_proposal()
    {
        var h = LockedOnA(out int nextRound);
        h.Send(h.Proposal(BlockB, nextRound));
        h.Valid(BlockB);
        var prevote = h.LastVote(VoteType.Prevote);
        Assert.Equal(nextRound, prevote.Round);
        Assert.True(prevote.IsNil);
    }

    [Fact]
    public void Rule2_a_validator_locked_on_the_same_block_prevotes_it_again()
    {
        var h = LockedOnA(out int nextRound);
        h.Send(h.Proposal(BlockA, nextRound));
        Assert.Equal(BlockA.Id, h.LastVote(VoteType.Prevote).BlockId);
    }

    [Fact]
    public void Rule3_a_reproposal_justified_by_a_polka_at_or_after_the_lock_is_prevoted_even_when_locked_elsewhere()
    {
        var h = LockedOnA(out int r1); // locked on A in round 0
        // Round r1: a polka for B forms without us (we prevote nil on B? no: we never see B's proposal in r1).
        h.Votes(VoteType.Prevote, r1, BlockB.Id, h.Others);
        // Round r1+1: B re-proposed with valid round r1 >= locked round 0.
        int r2 = r1 + 1;
        h.Send(new TimeoutFired(1, r1, Step.Propose));
        h.Send(new TimeoutFired(1, r1, Step.Prevote));
        h.Send(new TimeoutFired(1, r1, Step.Precommit));
        Assert.Equal(r2, h.Engine.Round);
        h.Send(h.Proposal(BlockB, r2, validRound: r1));
        h.Valid(BlockB);
        var prevote = h.LastVote(VoteType.Prevote);
        Assert.Equal(r2, prevote.Round);
        Assert.Equal(BlockB.Id, prevote.BlockId);
    }

    [Fact]
    public void Rule3_a_reproposal_without_its_polka_is_not_prevoted_until_the_polka_arrives()
    {
        var h = new EngineHarness();
        h.Start();
        h.Send(new TimeoutFired(1, 0, Step.Propose));
        h.Send(new TimeoutFired(1, 0, Step.Prevote));
        h.Send(new TimeoutFired(1, 0, Step.Precommit));
        h.Send(h.Proposal(BlockA, 1, validRound: 0));
        h.Valid(BlockA);
        Assert.DoesNotContain(h.SentVotes(VoteType.Prevote), v => v.Round == 1);
        h.Votes(VoteType.Prevote, 0, BlockA.Id, h.Others);
        Assert.Equal(BlockA.Id, h.LastVote(VoteType.Prevote).BlockId);
        Assert.Equal(1, h.LastVote(VoteType.Prevote).Round);
    }

    [Fact]
    public void Rule4_a_quorum_of_mixed_prevotes_starts_the_prevote_timeout_once()
    {
        var h = new EngineHarness();
        h.Start();
        h.Send(new TimeoutFired(1, 0, Step.Propose)); // we prevote nil
        h.Send(EngineHarness.Vote(1, VoteType.Prevote, 0, BlockA.Id));
        Assert.Empty(h.Timeouts(Step.Prevote));
        h.Send(EngineHarness.Vote(2, VoteType.Prevote, 0, BlockB.Id));
        Assert.Single(h.Timeouts(Step.Prevote));
        h.Send(EngineHarness.Vote(3, VoteType.Prevote, 0, BlockB.Id));
        Assert.Single(h.Timeouts(Step.Prevote));
        Assert.Equal(Step.Prevote, h.Engine.Step);
    }

    [Fact]
    public void Rule5_a_polka_for_a_valid_proposal_locks_precommits_and_sets_the_valid_value()
    {
        var h = new EngineHarness();
        h.Start();
        h.Send(h.Proposal(BlockA, 0));
        h.Valid(BlockA);
        h.Votes(VoteType.Prevote, 0, BlockA.Id, 1, 2);
        Assert.Equal(BlockA.Id, h.LastVote(VoteType.Precommit).BlockId);
        Assert.Equal(0, h.Engine.LockedRound);
        Assert.Equal(BlockA.Id, h.Engine.LockedBlockId);
        Assert.Equal(0, h.Engine.ValidRound);
        Assert.Equal(Step.Precommit, h.Engine.Step);
        var persisted = h.Actions.OfType<PersistSignRecord>().Last().Record;
        Assert.Equal(0, persisted.LockedRound);
        Assert.Equal(BlockA.Id, persisted.LockedBlock!.Id);
    }

    [Fact]
    public void Rule5_a_polka_seen_after_precommitting_nil_updates_the_valid_value_but_not_the_lock()
    {
        var h = new EngineHarness();
        h.Start();
        h.Send(new TimeoutFired(1, 0, Step.Propose));
        h.Send(new TimeoutFired(1, 0, Step.Prevote)); // precommit nil
        Assert.True(h.LastVote(VoteType.Precommit).IsNil);
        h.Send(h.Proposal(BlockA, 0));
        h.Valid(BlockA);
        h.Votes(VoteType.Prevote, 0, BlockA.Id, 1, 2, 3);
        Assert.Equal(-1, h.Engine.LockedRound);
        Assert.Equal(0, h.Engine.ValidRound);
        Assert.Equal(BlockA.Id, h.Engine.ValidBlockId);
        Assert.Single(h.SentVotes(VoteType.Precommit));
    }

    [Fact]
    public void Rule6_a_quorum_of_nil_prevotes_gives_a_nil_precommit()
    {
        var h = new EngineHarness();
        h.Start();
        h.Send(new TimeoutFired(1, 0, Step.Propose));
        h.Votes(VoteType.Prevote, 0, Hash32.Zero, 1, 2);
        Assert.True(h.LastVote(VoteType.Precommit).IsNil);
        Assert.Equal(Step.Precommit, h.Engine.Step);
    }

    [Fact]
    public void Rule7_a_quorum_of_mixed_precommits_starts_the_precommit_timeout_once()
    {
        var h = new EngineHarness();
        h.Start();
        h.Votes(VoteType.Precommit, 0, Hash32.Zero, 1);
        h.Votes(VoteType.Precommit, 0, BlockA.Id, 2);
        Assert.Empty(h.Timeouts(Step.Precommit));
        h.Votes(VoteType.Precommit, 0, BlockB.Id, 3);
        Assert.Single(h.Timeouts(Step.Precommit));
    }

    [Fact]
    public void Rule8_a_quorum_of_precommits_for_a_valid_proposal_decides_with_those_signatures_as_commit()
    {
        var h = new EngineHarness();
        h.Start();
        h.Send(h.Proposal(BlockA, 0));
        h.Valid(BlockA);
        h.Votes(VoteType.Precommit, 0, BlockA.Id, 1, 2, 3);
        var decide = Assert.Single(h.Actions.OfType<Decide>());
        Assert.Equal(BlockA.Id, decide.Block.Id);
        Assert.Equal("", decide.Commit.Verify(EngineHarness.ChainId, h.Validators, 1, BlockA.Id));
        Assert.True(h.Engine.HasDecided);
    }

    [Fact]
    public void Rule8_a_decision_can_come_from_an_earlier_round()
    {
        var h = new EngineHarness();
        h.Start();
        h.Send(new TimeoutFired(1, 0, Step.Propose));
        h.Send(new TimeoutFired(1, 0, Step.Prevote));
        h.Send(new TimeoutFired(1, 0, Step.Precommit));
        Assert.Equal(1, h.Engine.Round);
        h.Send(h.Proposal(BlockA, 0));
        h.Valid(BlockA);
        h.Votes(VoteType.Precommit, 0, BlockA.Id, 1, 2, 3);
        Assert.Equal(BlockA.Id, Assert.Single(h.Actions.OfType<Decide>()).Block.Id);
    }

    [Fact]
    public void Rule8_precommits_for_an_unseen_block_ask_for_the_proposal_and_do_not_decide()
    {
        var h = new EngineHarness();
        h.Start();
        h.Votes(VoteType.Precommit, 0, BlockA.Id, 1, 2, 3);
        Assert.Empty(h.Actions.OfType<Decide>());
        var request = Assert.Single(h.Actions.OfType<RequestProposal>());
        Assert.Equal(BlockA.Id, request.BlockId);
    }

    [Fact]
    public void Rule8_an_invalid_block_is_never_decided_even_with_a_quorum_of_precommits()
    {
        var h = new EngineHarness();
        h.Start();
        h.Send(h.Proposal(BlockA, 0));
        h.Valid(BlockA, valid: false);
        h.Votes(VoteType.Precommit, 0, BlockA.Id, 1, 2, 3);
        Assert.Empty(h.Actions.OfType<Decide>());
    }

    [Fact]
    public void Rule9_messages_from_more_than_a_third_of_the_power_in_a_higher_round_skip_to_it()
    {
        var h = new EngineHarness();
        h.Start();
        h.Votes(VoteType.Prevote, 5, Hash32.Zero, 1);
        Assert.Equal(0, h.Engine.Round);
        h.Votes(VoteType.Precommit, 5, Hash32.Zero, 2);
        Assert.Equal(5, h.Engine.Round);
        Assert.Equal(Step.Propose, h.Engine.Step);
    }

    [Fact]
    public void Rule9_one_third_or_less_of_the_power_does_not_skip_rounds()
    {
        var h = new EngineHarness(powers: [1, 1, 1, 3]); // validator 3 alone holds half the power
        h.Start();
        h.Votes(VoteType.Prevote, 4, Hash32.Zero, 1);
        h.Votes(VoteType.Precommit, 4, Hash32.Zero, 1);
        Assert.Equal(0, h.Engine.Round);
        h.Votes(VoteType.Prevote, 4, Hash32.Zero, 3);
        Assert.Equal(4, h.Engine.Round);
    }

    [Fact]
    public void Rule10_timeouts_move_propose_to_nil_prevote_prevote_to_nil_precommit_and_precommit_to_the_next_round()
    {
        var h = new EngineHarness();
        h.Start();
        h.Send(new TimeoutFired(1, 0, Step.Propose));
        Assert.True(h.LastVote(VoteType.Prevote).IsNil);
        h.Send(new TimeoutFired(1, 0, Step.Prevote));
        Assert.True(h.LastVote(VoteType.Precommit).IsNil);
        h.Send(new TimeoutFired(1, 0, Step.Precommit));
        Assert.Equal(1, h.Engine.Round);
    }

    [Fact]
    public void Rule10_a_timeout_for_another_round_or_step_does_nothing()
    {
        var h = new EngineHarness();
        h.Start();
        h.Send(new TimeoutFired(1, 0, Step.Prevote)); // still in propose: ignored
        Assert.Equal(Step.Propose, h.Engine.Step);
        h.Send(new TimeoutFired(1, 3, Step.Propose)); // another round: ignored
        Assert.Empty(h.SentVotes(VoteType.Prevote));
        h.Send(new TimeoutFired(2, 0, Step.Propose)); // another height: ignored
        Assert.Empty(h.SentVotes(VoteType.Prevote));
    }

    [Fact]
    public void Rule10_timeouts_grow_linearly_with_the_round()
    {
        var options = new ConsensusOptions { ProposeTimeoutMs = 1000, ProposeTimeoutDeltaMs = 250 };
        var h = new EngineHarness(options: options);
        h.Start();
        for (int r = 0; r < 3; r++)
        {
            h.Send(new TimeoutFired(1, r, Step.Propose));
            h.Send(new TimeoutFired(1, r, Step.Prevote));
            h.Send(new TimeoutFired(1, r, Step.Precommit));
        }
        var delays = h.Timeouts(Step.Propose).Select(t => (t.Round, t.DelayMs)).ToArray();
        // The proposer of a round starts no propose timeout of its own (rule 1): those rounds are missing.
        var expected = Enumerable.Range(0, 4).Where(r => h.KeyIndexOfProposer(1, r) != 0).Select(r => (r, 1000L + 250 * r)).ToArray();
        Assert.Equal(expected, delays);
        Assert.Contains(Enumerable.Range(0, 4), r => h.KeyIndexOfProposer(1, r) == 0);
    }

    /// <summary>Lock on A in round 0 (proposal, polka, precommit), then time out into the next round where we do not propose.</summary>
    private static EngineHarness LockedOnA(out int nextRound)
    {
        var h = new EngineHarness();
        h.Start();
        h.Send(h.Proposal(BlockA, 0));
        h.Valid(BlockA);
        h.Votes(VoteType.Prevote, 0, BlockA.Id, 1, 2);
        Assert.Equal(0, h.Engine.LockedRound);
        h.Votes(VoteType.Precommit, 0, Hash32.Zero, 1, 2);
        h.Send(new TimeoutFired(1, 0, Step.Precommit));
        nextRound = 1;
        Assert.NotEqual(h.Me.Address, h.Validators.Proposer(1, nextRound).Address);
        return h;
    }
}
