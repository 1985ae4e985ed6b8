using Polis.Consensus.Actions;
using Polis.Consensus.Events;
using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Consensus.Tests;

/// <summary>The proposer's own timing, and what a validator does when it resumes a height after a crash.</summary>
public sealed class RestartAndProposerTests
{
    private static Block BlockA => EngineHarness.MakeBlock(1, 1);
    private static Block BlockB => EngineHarness.MakeBlock(1, 2);

    [Fact]
    public void The_proposer_starts_no_propose_timeout_of_its_own_and_proposes_and_prevotes_a_block_built_late()
    {
        var h = new EngineHarness(me: 1); // validator 1 proposes (1, 0)
        var started = h.Start();
        Assert.Single(started.OfType<BuildBlock>());
        Assert.Empty(h.Timeouts(Step.Propose));
        // The others time out and prevote nil; the proposer's block arrives after that (a slow build).
        h.Votes(VoteType.Prevote, 0, Hash32.Zero, 0, 2);
        var built = h.Send(new BlockBuilt(1, 0, BlockA));
        Assert.Single(built.OfType<BroadcastProposal>());
        Assert.Equal(BlockA.Id, h.LastVote(VoteType.Prevote).BlockId);
    }

    [Fact]
    public void A_proposer_that_already_signed_another_proposal_for_the_round_waits_on_the_timeout_like_the_others()
    {
        var before = new EngineHarness(me: 1);
        before.Start();
        before.Send(new BlockBuilt(1, 0, BlockA));
        // The crash came right after the proposal's record; the guard has its ids but not the block.
        var record = before.Actions.OfType<PersistSignRecord>().First().Record;
        Assert.Equal(Step.Propose, record.Step);
        var guardOnly = SignRecord.DecodeGuard(record.ToGuardBytes());

        var after = new EngineHarness(me: 1);
        after.Engine.Restore(guardOnly);
        var resumed = after.Start();
        Assert.Empty(resumed.OfType<BroadcastProposal>());
        Assert.Single(resumed.OfType<ScheduleTimeout>(), t => t.Step == Step.Propose);
        // A block built for the round now would be a second proposal: it is not signed.
        Assert.Empty(after.Send(new BlockBuilt(1, 0, BlockB)).OfType<BroadcastProposal>());
    }

    [Fact]
    public void After_a_restart_the_proposer_sends_the_same_proposal_again_and_schedules_nothing()
    {
        var before = new EngineHarness(me: 1);
        before.Start();
        var first = Assert.Single(before.Send(new BlockBuilt(1, 0, BlockA)).OfType<BroadcastProposal>());
        // The crash came between persisting the proposal and prevoting: the record is the proposal's.
        var record = before.Actions.OfType<PersistSignRecord>().First().Record;
        Assert.Equal(Step.Propose, record.Step);
        var reread = SignRecord.Decode(record.ToBytes());

        var after = new EngineHarness(me: 1);
        after.Engine.Restore(reread);
        var resumed = after.Start();
        var again = Assert.Single(resumed.OfType<BroadcastProposal>());
        Assert.Equal(first.Proposal, again.Proposal); // Ed25519 is deterministic: the very same signature
        Assert.Equal(BlockA.Id, again.Block.Id);
        Assert.Empty(resumed.OfType<ScheduleTimeout>());
        Assert.Empty(resumed.OfType<BuildBlock>());
    }

    [Fact]
    public void After_a_restart_in_the_prevote_step_the_vote_is_resent_and_the_prevote_timeout_waits_for_a_quorum()
    {
        var before = new EngineHarness();
        before.Start();
        before.Send(before.Proposal(BlockA, 0));
        before.Valid(BlockA);
        var signed = before.LastVote(VoteType.Prevote);

        var after = new EngineHarness();
        after.Engine.Restore(SignRecord.Decode(before.Engine.LastSigned!.ToBytes()));
        var resumed = after.Start();
        Assert.Equal(signed, Assert.Single(resumed.OfType<BroadcastVote>()).Vote);
        Assert.Empty(resumed.OfType<ScheduleTimeout>());
        // Rule 4: a quorum of prevotes for anything starts the prevote timeout.
        after.Votes(VoteType.Prevote, 0, Hash32.Zero, 1);
        Assert.Empty(after.Timeouts(Step.Prevote));
        after.Votes(VoteType.Prevote, 0, BlockB.Id, 2);
        Assert.Single(after.Timeouts(Step.Prevote));
    }

    [Fact]
    public void A_lock_restored_from_the_guard_alone_is_honoured_by_its_id()
    {
        var before = new EngineHarness();
        before.Start();
        before.Send(before.Proposal(BlockA, 0));
        before.Valid(BlockA);
        before.Votes(VoteType.Prevote, 0, BlockA.Id, 1, 2);
        Assert.Equal(0, before.Engine.LockedRound);
        var guardOnly = SignRecord.DecodeGuard(before.Engine.LastSigned!.ToGuardBytes());
        Assert.Null(guardOnly.LockedBlock);

        var after = new EngineHarness();
        after.Engine.Restore(guardOnly);
        after.Start();
        Assert.Equal(BlockA.Id, after.Engine.LockedBlockId);
        after.Send(new TimeoutFired(1, 0, Step.Precommit));
        after.Send(after.Proposal(BlockB, 1));
        after.Valid(BlockB);
        Assert.True(after.LastVote(VoteType.Prevote).IsNil);
        // The locked block itself, proposed again, is prevoted once it is seen and valid.
        after.Send(new TimeoutFired(1, 1, Step.Precommit));
        int round = after.Engine.Round;
        after.Send(after.Proposal(BlockA, round));
        after.Valid(BlockA);
        var prevote = after.LastVote(VoteType.Prevote);
        Assert.Equal((round, BlockA.Id), (prevote.Round, prevote.BlockId));
    }

    [Fact]
    public void Beyond_the_fault_bound_the_quorum_block_does_not_depend_on_the_order_votes_arrived()
    {
        var validators = new ValidatorSet(EngineHarness.Keys.Take(4).Select(k => new Validator(k.PublicKey, 1)).ToArray());
        Hash32 low = Sha256.Hash([1]), high = Sha256.Hash([2]);
        if (high < low) (low, high) = (high, low);
        Hash32 Pick(params (int Validator, Hash32 Block)[] order)
        {
            var set = new VoteSet(validators);
            foreach (var (v, block) in order)
                set.Add(Vote.Create(EngineHarness.ChainId, EngineHarness.Keys[v], VoteType.Precommit, 1, 0, block), out _);
            Assert.True(set.TryGetQuorumBlock(power => power >= 2, out var chosen)); // a broken 2f threshold: both ids reach it
            return chosen;
        }
        Assert.Equal(low, Pick((0, high), (1, high), (2, low), (3, low)));
        Assert.Equal(low, Pick((2, low), (3, low), (0, high), (1, high)));
    }
}
