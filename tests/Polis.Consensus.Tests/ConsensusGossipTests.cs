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
        }, (height, quorum) => $"claim {height}/{quorum.Round}/{quorum.Kind}/{quorum.BlockId.Short}");
        var (a, b) = (new Peer("a"), new Peer("b"));
        gossip.StartHeight(workingHeight, [a, b]);
        a.Height = b.Height = workingHeight - 1; // both work on our height
        return (gossip, a, b);
    }

    private static Hash32 Id(string s) => Sha256.Hash(System.Text.Encoding.UTF8.GetBytes(s));
    private static readonly Address Honest = KeyPair.FromLabel("gossip-honest").Address;
    private static readonly Address Byzantine = KeyPair.FromLabel("gossip-byzantine").Address;

    private static GossipItem Vote(string s, int round, Address? signer = null, GossipKind kind = GossipKind.Prevote, Hash32? block = null) =>
        new(Id(s), round, kind, signer ?? Honest, block ?? Id($"block of {s}"), -1, Polis.Core.Ledger.Vote.EncodedSize);

    private static GossipItem ProposalOf(string s, int round, Hash32 block, Address? signer = null, long bytes = 1000, int validRound = -1) =>
        new(Id(s), round, GossipKind.Proposal, signer ?? Honest, block, validRound, bytes);

    [Fact]
    public void Our_message_goes_to_every_peer_once_and_counts_as_delivered_only_where_it_can_be_used()
    {
        var (gossip, a, b) = Make();
        b.Height = null; // has not reported: sending is not delivery
        gossip.Publish(Vote("v1", 0), "v1", [a, b]);
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
        Assert.True(gossip.Relay(a, Vote("v", 0), "v", [a, b]));
        Assert.False(gossip.Relay(b, Vote("v", 0), "v", [a, b]));
        Assert.Empty(a.Received);
        Assert.Equal(["v"], b.Received);
    }

    [Fact]
    public void Re_sends_skip_proposals_of_rounds_the_peer_left_but_keep_their_votes_and_a_request_still_gets_the_proposal()
    {
        var (gossip, a, b) = Make();
        var block = Sha256.Hash([7]);
        gossip.Keep(ProposalOf("p0", 0, block), "p0");
        gossip.Keep(Vote("v0", 0), "v0");
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
        gossip.Keep(ProposalOf("p0", 0, block), "p0");
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
        gossip.Relay(a, ProposalOf("p0", 0, block), "p0", [a, b]);
        for (int tick = 0; tick < 3 * ConsensusGossip<string>.AskAgainEveryTicks; tick++) Assert.Empty(gossip.OnTick([a, b]).AskFor);
    }

    [Fact]
    public void Without_a_commit_known_sets_are_forgotten_at_8_16_32_ticks_and_at_a_new_height_at_once()
    {
        var (gossip, a, b) = Make();
        gossip.Publish(Vote("v", 0), "v", [a]);
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

    [Fact]
    public void A_Byzantine_signer_fills_only_its_own_share_and_its_proposals_two_per_round()
    {
        var (gossip, a, b) = Make();
        for (int i = 0; i < 10_000; i++) gossip.Relay(a, Vote($"flood-{i}", i % 7, Byzantine), $"flood-{i}", [a, b]);
        Assert.Equal(HeightMessages<string>.SignerMessagesMax, gossip.Messages.Count);
        Assert.Equal(HeightMessages<string>.SignerMessagesMax, b.Received.Count); // what is refused is not relayed either
        Assert.True(gossip.Relay(a, Vote("honest", 3), "honest", [a, b])); // the others still get through
        for (int i = 0; i < 5; i++) gossip.Relay(a, ProposalOf($"p{i}", 9, Id($"b{i}"), Honest), $"p{i}", [a, b]);
        Assert.Equal(2, gossip.Messages.ProposalsPerRoundHighest); // the first and the one that proves equivocation
    }

    [Fact]
    public void A_vote_the_polka_needs_is_kept_whatever_its_signer_sent_in_that_round_before()
    {
        // An honest validator counted the Byzantine validator's prevote in the polka it locked on:
        // the others must keep that very vote, or they never see the polka (found with a per-round
        // limit on votes, by the simulator's Flood scenario: the height stalled).
        var (gossip, a, b) = Make();
        for (int i = 0; i < 50; i++) gossip.Relay(a, Vote($"made-up-{i}", 0, Byzantine), $"made-up-{i}", [a, b]);
        Assert.True(gossip.Relay(b, Vote("real", 0, Byzantine, block: Id("the proposed block")), "real", [a, b]));
    }

    [Fact]
    public void Our_quorum_is_claimed_with_the_status_to_peers_that_have_not_claimed_it_and_its_votes_go_to_them_again()
    {
        var (gossip, a, b) = Make();
        var block = Id("the block");
        gossip.Relay(a, Vote("v1", 0, block: block), "v1", [a, b]);
        gossip.Relay(a, Vote("v2", 0, Byzantine, block: block), "v2", [a, b]);
        var quorum = new GossipQuorum(0, GossipKind.Prevote, block);
        gossip.AddQuorum(quorum);
        Assert.True(gossip.OnClaim(a, quorum)); // a holds it too
        Assert.False(gossip.OnClaim(a, quorum));
        a.Received.Clear();
        b.Received.Clear();
        for (int tick = 0; tick < ConsensusGossip<string>.StatusEveryTicks; tick++) gossip.OnTick([a, b]);
        Assert.Empty(b.Received); // held for less than a status period: a healthy height would be over by now
        for (int tick = 0; tick < ConsensusGossip<string>.StatusEveryTicks; tick++) gossip.OnTick([a, b]);
        Assert.DoesNotContain(a.Received, m => m.StartsWith("claim")); // (at 8 ticks without a commit, everything goes to everyone again)
        Assert.Equal($"claim 5/0/Prevote/{block.Short}", b.Received[0]); // first, so b takes the votes that follow
        Assert.Equal(["v1", "v2"], b.Received.Skip(1).Order().ToList());
    }

    [Fact]
    public void A_claimed_quorums_vote_is_taken_past_its_signers_share_once_and_a_held_one_is_fed_again_once()
    {
        var (gossip, a, b) = Make();
        var block = Id("the polka's block");
        for (int i = 0; i < HeightMessages<string>.SignerMessagesMax; i++) gossip.Relay(a, Vote($"flood-{i}", 0, Byzantine), $"flood-{i}", [a, b]);
        Assert.False(gossip.Relay(b, Vote("real", 0, Byzantine, block: block), "real", [a, b])); // past its share
        gossip.Relay(a, Vote("held", 0, Honest, block: block), "held", [a, b]);

        Assert.True(gossip.OnClaim(b, new GossipQuorum(0, GossipKind.Prevote, block)));
        Assert.True(gossip.Relay(b, Vote("real", 0, Byzantine, block: block), "real", [a, b])); // now taken, apart from the share
        Assert.Equal(1, gossip.Messages.ClaimedVotes);
        Assert.False(gossip.Relay(a, Vote("real, signed again", 0, Byzantine, block: block), "real2", [a, b])); // one per signer and quorum
        Assert.True(gossip.Relay(b, Vote("held", 0, Honest, block: block), "held", [a, b])); // the engine may have dropped it: once more
        Assert.False(gossip.Relay(b, Vote("held", 0, Honest, block: block), "held", [a, b]));
        Assert.False(gossip.Relay(b, Vote("flood-1", 0, Byzantine), "flood-1", [a, b])); // not claimed: a duplicate as before
    }

    [Fact]
    public void Strangers_claims_let_in_a_bounded_number_of_a_signers_votes_and_a_pinned_peers_claim_one_more()
    {
        var (gossip, a, b) = Make();
        for (int i = 0; i < HeightMessages<string>.SignerMessagesMax; i++) gossip.Relay(a, Vote($"flood-{i}", 0, Byzantine), $"flood-{i}", [a, b]);
        // Strangers (reconnecting under new keys) claim made-up quorums for the flooder's made-up votes.
        var strangers = Enumerable.Range(0, HeightMessages<string>.UntrustedClaimedVotesPerSignerMax + 10).Select(i => new Peer($"s{i}") { Height = 4 }).ToList();
        var everyone = strangers.Cast<PeerGossipState>().Append(a).Append(b).ToList();
        for (int i = 0; i < strangers.Count; i++)
        {
            gossip.OnClaim(strangers[i], new GossipQuorum(1, GossipKind.Prevote, Id($"made-up {i}")));
            gossip.Relay(a, Vote($"claimed-{i}", 1, Byzantine, block: Id($"made-up {i}")), $"claimed-{i}", everyone);
        }
        Assert.Equal(HeightMessages<string>.UntrustedClaimedVotesPerSignerMax, gossip.Messages.ClaimedVotes);
        b.Trusted = true;
        gossip.OnClaim(b, new GossipQuorum(2, GossipKind.Prevote, Id("the real block")));
        Assert.True(gossip.Relay(a, Vote("real", 2, Byzantine, block: Id("the real block")), "real", everyone));
        Assert.Equal(HeightMessages<string>.UntrustedClaimedVotesPerSignerMax + 1, gossip.Messages.ClaimedVotes);
    }

    [Fact]
    public void A_peers_claims_are_bounded_and_forgotten_at_the_next_height()
    {
        var (gossip, a, b) = Make();
        for (int round = 0; round < PeerGossipState.ClaimsMax + 10; round++)
            Assert.True(gossip.OnClaim(a, new GossipQuorum(round, GossipKind.Precommit, Id($"b{round}"))));
        Assert.Equal(PeerGossipState.ClaimsMax, a.Claims.Count);
        Assert.True(a.Claims.ContainsKey((PeerGossipState.ClaimsMax + 9, GossipKind.Precommit))); // a long stall's newest rounds are kept
        Assert.False(a.Claims.ContainsKey((0, GossipKind.Precommit))); // its oldest gave way
        Assert.False(gossip.OnClaim(a, new GossipQuorum(PeerGossipState.ClaimsMax + 9, GossipKind.Precommit, Id("another")))); // never taken back
        Assert.False(gossip.OnClaim(a, new GossipQuorum(0, GossipKind.Precommit, Id("older")))); // older than all it keeps
        gossip.StartHeight(6, [a, b]);
        Assert.Empty(a.Claims);
    }

    [Fact]
    public void A_signers_proposals_stay_within_its_share_by_bytes_the_oldest_rounds_giving_way()
    {
        var (gossip, a, b) = Make();
        long block = Polis.Core.Limits.BlockBytesMax;
        for (int round = 0; round < 40; round++)
            gossip.Relay(a, ProposalOf($"p{round}", round, Id($"block{round}"), Byzantine, block), $"p{round}", [a, b]);
        Assert.True(gossip.Messages.Bytes <= HeightMessages<string>.SignerBytesMax, $"{gossip.Messages.Bytes} bytes kept");
        Assert.True(gossip.Messages.TryGetProposal(39, Id("block39"), out _, out _)); // the newest are kept
        Assert.False(gossip.Messages.TryGetProposal(0, Id("block0"), out _, out _));
        gossip.Publish(ProposalOf("ours", 40, Id("our-block"), Honest, block), "ours", [a, b]); // ours always
        Assert.True(gossip.Messages.TryGetProposal(40, Id("our-block"), out _, out _));
    }

    [Fact]
    public void However_long_a_height_stalls_every_peer_gets_everything_again_at_least_every_16_seconds()
    {
        var (gossip, a, _) = Make();
        gossip.Publish(Vote("v", 0), "v", [a]);
        var resends = new List<int>();
        for (int tick = 1; tick <= 400; tick++)
        {
            int before = a.Received.Count;
            gossip.OnTick([a]);
            if (a.Received.Count > before) resends.Add(tick);
        }
        Assert.Equal([8, 16, 32, 64, 128, 192, 256, 320, 384], resends);
    }
}
