using Polis.Consensus.Actions;
using Polis.Consensus.Events;
using Polis.Core.Ledger;

namespace Polis.Consensus.Tests;

/// <summary>A block judged by the local clock ("ahead of my clock") is not invalid for the whole height: later rules for it still fire.</summary>
public sealed class NotYetValidTests
{
    private static Block BlockA => EngineHarness.MakeBlock(1, 1);

    [Fact]
    public void A_not_yet_valid_proposal_gets_a_nil_prevote_and_a_later_polka_for_it_sets_the_valid_value_once_time_passed()
    {
        var h = new EngineHarness();
        h.Start();
        h.Send(h.Proposal(BlockA, 0));
        h.NotYetValid(BlockA);
        Assert.True(h.LastVote(VoteType.Prevote).IsNil);
        h.Votes(VoteType.Prevote, 0, BlockA.Id, 1, 2, 3);
        Assert.Null(h.Engine.ValidBlockId);
        var afterTimeout = h.Send(new TimeoutFired(1, 0, Step.Prevote));
        Assert.Single(afterTimeout.OfType<ValidateBlock>(), v => v.Block.Id == BlockA.Id);
        h.Valid(BlockA);
        Assert.Equal(BlockA.Id, h.Engine.ValidBlockId);
        Assert.Equal(0, h.Engine.ValidRound);
    }

    [Fact]
    public void A_quorum_of_precommits_for_a_not_yet_valid_block_decides_it_once_it_becomes_valid()
    {
        var h = new EngineHarness();
        h.Start();
        h.Send(h.Proposal(BlockA, 0));
        h.NotYetValid(BlockA);
        h.Votes(VoteType.Precommit, 0, BlockA.Id, 1, 2, 3);
        Assert.Empty(h.Actions.OfType<Decide>());
        var afterTimeout = h.Send(new TimeoutFired(1, 0, Step.Precommit));
        Assert.Single(afterTimeout.OfType<ValidateBlock>(), v => v.Block.Id == BlockA.Id);
        var decided = h.Valid(BlockA);
        Assert.Equal(BlockA.Id, Assert.Single(decided.OfType<Decide>()).Block.Id);
    }

    [Fact]
    public void An_invalid_block_is_not_asked_about_again_in_the_height()
    {
        var h = new EngineHarness();
        h.Start();
        h.Send(h.Proposal(BlockA, 0));
        h.Valid(BlockA, valid: false);
        h.Votes(VoteType.Precommit, 0, BlockA.Id, 1, 2, 3);
        var afterTimeout = h.Send(new TimeoutFired(1, 0, Step.Precommit));
        Assert.Empty(afterTimeout.OfType<ValidateBlock>());
        Assert.Empty(h.Actions.OfType<Decide>());
        Assert.Single(h.Actions.OfType<ValidateBlock>());
    }
}
