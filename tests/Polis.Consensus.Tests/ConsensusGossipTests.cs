using Polis.Consensus.Gossip;
using Polis.Core.Crypto;

namespace Polis.Consensus.Tests;

/// <summary>The node's consensus gossip rules (shared with the simulator), with strings for messages.</summary>
public sealed class ConsensusGossipTests
{
    private sealed class Peer(string name) : PeerGossipState
    {
        public string Name { get; } = name;
        public List<string> Received { get; } = new();
    }

    private static (ConsensusGossip<string> Gossip, Peer A, Peer B) Make(ulong workingHeight = 5)
    {
        var gossip = new ConsensusGossip<string>((peer, message) =>
        {
            ((Peer)peer).Received.Add(message);
            return true;
        });
        var (a, b) = (new Peer("a"), new Peer("b"));
        gossip.StartHeight(workingHeight, [a, b]);
        a.Height = b.Height = workingHeight - 1; // both work on our height
        return (gossip, a, b);
    }

    private static Hash32 Id(string s) => Sha256.Hash(System.Text.Encoding.UTF8.GetBytes(s));

    [Fact]
    public void Our_message_goes_to_every_peer_once_and_counts_as_delivered_only_where_it_can_be_used()
    {
        var (gossip, a, b) = Make();
        b.Height = null; // has not reported: sending is not delivery
        gossip.Publish(Id("v1"), "v1", 0, false, Hash32.Zero, [a, b]);
        Assert.Equal(["v1"], a.Received);
        Assert.Equal(["v1"], b.Received);
        gossip.OnTick([a, b]);
        Assert.Equal(["v1"], a.Received); // known
        Assert.Equal(["v1"], b.Received); // not known, but of no use to it yet: nothing is re-sent
        gossip.OnStatus(b, 4, 0); // it reports working on our height: it gets what it lacks
        Assert.Equal(["v1", "v1"], b.Received);
        gossip.OnTick([a, b]);
        Assert.Equal(["v1", "v1"], b.Received);
    }

    [Fact]
    public void A_received_message_is_relayed_to_the_others_not_back_and_only_once()
    {
        var (gossip, a, b) = Make();
        Assert.True(gossip.Relay(a, Id("v"), "v", 0, false, Hash32.Zero, [a, b]));
        Assert.False(gossip.Relay(b, Id("v"), "v", 0, false, Hash32.Zero, [a, b]));
        Assert.Empty(a.Received);
        Assert.Equal(["v"], b.Received);
    }

    [Fact]
    public void Re_sends_skip_proposals_of_rounds_the_peer_left_but_keep_their_votes_and_a_request_still_gets_the_proposal()
    {
        var (gossip, a, b) = Make();
        var block = Sha256.Hash([7]);
        gossip.Keep(Id("p0"), "p0", 0, true, block);
        gossip.Keep(Id("v0"), "v0", 0, false, Hash32.Zero);
        a.Round = 1;
        gossip.ResendTo(a);
        Assert.Equal(["v0"], a.Received);
        Assert.True(gossip.AnswerRequest(a, 0, block));
        Assert.Equal(["v0", "p0"], a.Received);
        Assert.False(gossip.AnswerRequest(a, 0, Sha256.Hash([8]))); // not one we have
    }

    [Fact]
    public void Requests_for_proposals_are_answered_a_few_per_tick()
    {
        var (gossip, a, _) = Make();
        var block = Sha256.Hash([7]);
        gossip.Keep(Id("p0"), "p0", 0, true, block);
        for (int i = 0; i < ConsensusGossip<string>.RequestedProposalsPerTickMax; i++) Assert.True(gossip.AnswerRequest(a, 0, block));
        Assert.False(gossip.AnswerRequest(a, 0, block));
        gossip.OnTick([a]);
        Assert.True(gossip.AnswerRequest(a, 0, block));
    }

    [Fact]
    public void A_wanted_proposal_is_asked_for_again_until_it_arrives()
    {
        var (gossip, a, b) = Make();
        var block = Sha256.Hash([7]);
        Assert.True(gossip.Want(0, block));
        Assert.False(gossip.Want(0, block)); // already asked
        int asked = 0;
        for (int tick = 0; tick < 3 * ConsensusGossip<string>.AskAgainEveryTicks; tick++) asked += gossip.OnTick([a, b]).AskFor.Count;
        Assert.Equal(3, asked);
        gossip.Relay(a, Id("p0"), "p0", 0, true, block, [a, b]);
        for (int tick = 0; tick < 3 * ConsensusGossip<string>.AskAgainEveryTicks; tick++) Assert.Empty(gossip.OnTick([a, b]).AskFor);
    }

    [Fact]
    public void Without_a_commit_known_sets_are_forgotten_at_8_16_32_ticks_and_at_a_new_height_at_once()
    {
        var (gossip, a, b) = Make();
        gossip.Publish(Id("v"), "v", 0, false, Hash32.Zero, [a]);
        var forgottenAt = new List<int>();
        for (int tick = 1; tick <= 40; tick++)
        {
            int before = a.Received.Count;
            gossip.OnTick([a]);
            if (a.Received.Count > before) forgottenAt.Add(tick);
        }
        Assert.Equal([8, 16, 32], forgottenAt);
        gossip.StartHeight(6, [a, b]);
        Assert.Empty(a.Known);
        Assert.Equal(0, gossip.Messages.Count);
    }

    [Theory]
    [InlineData(4UL, 5UL, true)]
    [InlineData(2UL, 5UL, true)]
    [InlineData(1UL, 5UL, false)]
    [InlineData(5UL, 5UL, false)]
    public void A_peer_can_use_our_height_when_it_works_on_it_or_at_most_two_heights_below(ulong peerCommitted, ulong workingHeight, bool canUse)
    {
        var peer = new PeerGossipState { Height = peerCommitted };
        Assert.Equal(canUse, peer.CanUse(workingHeight));
    }
}
