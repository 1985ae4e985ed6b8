using Polis.Consensus.Events;
using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Consensus.Tests;

/// <summary>Messages of later heights are kept within bounds in all and per validator: one Byzantine validator fills only its own share.</summary>
public sealed class FutureBufferTests
{
    [Fact]
    public void One_validator_flooding_later_heights_fills_only_its_share_and_the_others_are_still_kept()
    {
        var options = new ConsensusOptions { FutureMessagesPerSenderMax = 10, FutureMessagesMax = 100 };
        var h = new EngineHarness(options: options);
        h.Start();
        for (int round = 0; round < 50; round++) h.Send(EngineHarness.Vote(1, VoteType.Prevote, round, Sha256.Hash([(byte)round]), height: 2));
        var flooded = h.Engine.Footprint();
        Assert.Equal(10, flooded.FutureMessages);
        Assert.Equal(10, flooded.FuturePerSenderMax);
        h.Send(EngineHarness.Vote(2, VoteType.Prevote, 0, Sha256.Hash([1]), height: 2));
        Assert.Equal(11, h.Engine.Footprint().FutureMessages);
    }

    [Fact]
    public void Proposals_for_later_heights_are_kept_within_their_bytes_per_validator()
    {
        var block = EngineHarness.MakeBlock(2, 1);
        long oneProposal = Proposal.EncodedSize + block.ApproximateBytes;
        var options = new ConsensusOptions { FutureBytesPerSenderMax = 3 * oneProposal };
        var h = new EngineHarness(options: options);
        h.Start();
        for (int round = 0; round < 40; round++)
        {
            var proposer = EngineHarness.Keys[h.KeyIndexOfProposer(2, round)];
            if (proposer.Address != EngineHarness.Keys[2].Address) continue;
            var b = EngineHarness.MakeBlock(2, 10 + round);
            h.Send(new ProposalReceived(Proposal.Create(EngineHarness.ChainId, proposer, 2, round, -1, b.Id), b));
        }
        Assert.True(h.Engine.Footprint().FuturePerSenderMax <= 3);
        Assert.True(h.Engine.Footprint().Bytes <= options.FootprintBytesMax(4, 0));
    }

    [Fact]
    public void A_buffered_message_counted_when_its_height_starts_is_handed_to_gossip_and_one_of_a_later_height_stays_buffered()
    {
        // Found by the soak (Mixed seed 4104): a Byzantine validator's prevote reached one honest
        // validator a height early, was counted when the height started, and never relayed: the
        // others could never see the polka that validator locked on, and the height stalled.
        var h = new EngineHarness();
        h.Start();
        var early = EngineHarness.Vote(1, VoteType.Prevote, 0, Sha256.Hash([7]), height: 2);
        var later = EngineHarness.Vote(2, VoteType.Prevote, 0, Sha256.Hash([8]), height: 3);
        h.Send(early);
        h.Send(later);
        Assert.DoesNotContain(h.Actions, a => a is Actions.GossipBuffered);
        var started = h.Start(height: 2);
        var relayed = Assert.Single(started.OfType<Actions.GossipBuffered>());
        Assert.Equal(early.Vote, ((VoteReceived)relayed.Message).Vote);
        Assert.Equal(1, h.Engine.Footprint().FutureMessages); // the height-3 vote waits for its height
    }
}
