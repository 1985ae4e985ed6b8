using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;
using Polis.Modules.Accounts;
using Polis.Network;
using Polis.Node.Wire;

namespace Polis.Node.Tests;

public sealed class WireCodecTests
{
    [Fact]
    public void Messages_round_trip_and_are_refused_on_the_wrong_channel_truncated_or_with_garbage()
    {
        using var key = KeyPair.FromLabel("v");
        using var other = KeyPair.FromLabel("w");
        var vote = Vote.Create("polis-test", key, VoteType.Prevote, 3, 1, Sha256.Hash([1]));
        var cases = new (WireMessage Message, Channel Channel)[]
        {
            (new VoteMessage(vote), Channel.Consensus),
            (new StatusMessage(42, 3), Channel.Consensus),
            (new ProposalWantedMessage(42, 3, Sha256.Hash([2])), Channel.Consensus),
            (new QuorumClaimMessage(42, 3, VoteType.Precommit, Sha256.Hash([2])), Channel.Consensus),
            (new QuorumClaimMessage(42, 0, VoteType.Prevote, Hash32.Zero), Channel.Consensus), // a nil quorum
            (new BlocksRequestMessage(7, 32), Channel.Sync),
            (new TxsMessage([Transaction.Create("polis-test", key, 0, AccountsKeys.Module, [1, 2, 3])]), Channel.Transactions),
            (new PeersMessage([key.PublicKey, other.PublicKey]), Channel.Transactions),
            (new PeersMessage([]), Channel.Transactions),
        };
        foreach (var (message, channel) in cases)
        {
            var bytes = WireCodec.Encode(message);
            var decoded = WireCodec.Decode(channel, bytes);
            Assert.Equal(bytes, WireCodec.Encode(decoded));
            var wrong = channel == Channel.Sync ? Channel.Consensus : Channel.Sync;
            Assert.Throws<CodecException>(() => WireCodec.Decode(wrong, bytes));
            for (int cut = 0; cut < bytes.Length; cut++) Assert.Throws<CodecException>(() => WireCodec.Decode(channel, bytes.AsSpan(0, cut)));
            Assert.Throws<CodecException>(() => WireCodec.Decode(channel, [.. bytes, 0]));
        }
    }

    [Fact]
    public void Proposal_requests_for_height_0_a_negative_round_or_a_nil_block_are_malformed()
    {
        foreach (var bad in new[] { new ProposalWantedMessage(0, 0, Sha256.Hash([1])), new ProposalWantedMessage(5, -1, Sha256.Hash([1])), new ProposalWantedMessage(5, 0, Hash32.Zero) })
            Assert.Throws<CodecException>(() => WireCodec.Decode(Channel.Consensus, WireCodec.Encode(bad)));
    }

    [Fact]
    public void Quorum_claims_for_height_0_a_negative_round_or_an_unknown_vote_type_are_malformed()
    {
        foreach (var bad in new[] { new QuorumClaimMessage(0, 0, VoteType.Prevote, Sha256.Hash([1])), new QuorumClaimMessage(5, -1, VoteType.Prevote, Sha256.Hash([1])), new QuorumClaimMessage(5, 0, (VoteType)3, Sha256.Hash([1])) })
            Assert.Throws<CodecException>(() => WireCodec.Decode(Channel.Consensus, WireCodec.Encode(bad)));
        Assert.Throws<CodecException>(() => WireCodec.Decode(Channel.Sync, WireCodec.Encode(new QuorumClaimMessage(5, 0, VoteType.Prevote, Hash32.Zero))));
    }

    [Fact]
    public void Block_requests_out_of_bounds_are_malformed()
    {
        Assert.Throws<CodecException>(() => WireCodec.Decode(Channel.Sync, WireCodec.Encode(new BlocksRequestMessage(0, 1))));
        Assert.Throws<CodecException>(() => WireCodec.Decode(Channel.Sync, WireCodec.Encode(new BlocksRequestMessage(1, WireCodec.BlocksPerRequestMax + 1))));
        Assert.Throws<CodecException>(() => WireCodec.Decode(Channel.Consensus, [0xee]));
    }

    [Fact]
    public void A_peer_list_claiming_more_keys_than_allowed_or_than_it_carries_is_malformed_before_allocation()
    {
        var w = new CanonicalWriter(16);
        w.WriteU8((byte)MessageKind.Peers);
        w.WriteCount(WireCodec.PeersPerMessageMax + 1);
        Assert.Throws<CodecException>(() => WireCodec.Decode(Channel.Transactions, w.ToArray()));
        var claims = new CanonicalWriter(16);
        claims.WriteU8((byte)MessageKind.Peers);
        claims.WriteCount(1_000);
        claims.WriteRaw(new byte[PublicKey.Size]);
        Assert.Throws<CodecException>(() => WireCodec.Decode(Channel.Transactions, claims.ToArray()));
    }
}
