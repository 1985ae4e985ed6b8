using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Network;
using Polis.Node.Peers;

namespace Polis.Node.Tests;

/// <summary>Shares of the loop's inbox: a flooding peer fills its own, and unsigned claims never take a vote's room.</summary>
public sealed class LoopBudgetTests
{
    private static Peer Link(PublicKey key) => new(key, outbound: false, null, 1024, 16, new P2PMetrics());

    private static readonly Vote AVote = Vote.Create("polis-test", KeyPair.FromLabel("v0"), VoteType.Prevote, 1, 0, default);

    private static PeerVote VoteFrom(Peer peer) => new(peer, AVote, default, []);

    [Fact]
    public void A_status_flood_fills_only_its_senders_small_share_and_never_a_votes_room()
    {
        var validator = Link(KeyPair.FromLabel("validator-node").PublicKey);
        var flooder = Link(KeyPair.FromLabel("stranger").PublicKey);
        var budget = new LoopBudget(new HashSet<PublicKey> { validator.Key });
        int taken = 0;
        for (int i = 0; i < 100_000; i++) if (budget.TryTake(new PeerStatus(flooder, (ulong)i, 0))) taken++;
        Assert.Equal(NodeLimits.PeerUnsignedInputsQueuedMax, taken);
        Assert.True(budget.TryTake(new PeerStatus(validator, 1, 0)), "another peer's status was crowded out");
        Assert.True(budget.TryTake(VoteFrom(validator)), "a vote was crowded out by status frames");
        // The loop takes the flooder's statuses: its share is free again.
        budget.Release(new PeerStatus(flooder, 0, 0));
        Assert.True(budget.TryTake(new PeerStatus(flooder, 7, 0)));
    }

    [Fact]
    public void Strangers_flooding_signed_messages_leave_the_pinned_validators_their_half()
    {
        var validator = Link(KeyPair.FromLabel("validator-node").PublicKey);
        var budget = new LoopBudget(new HashSet<PublicKey> { validator.Key });
        int strangersTaken = 0;
        for (int s = 0; s < 20; s++)
        {
            var stranger = Link(KeyPair.FromLabel($"stranger-{s}").PublicKey);
            int own = 0;
            for (int i = 0; i < NodeLimits.PeerInputsQueuedPerPeerMax + 10; i++) if (budget.TryTake(VoteFrom(stranger))) own++;
            Assert.True(own <= NodeLimits.PeerInputsQueuedPerPeerMax);
            strangersTaken += own;
        }
        Assert.Equal(NodeLimits.PeerInputsQueuedMax / 2, strangersTaken);
        int validatorTaken = 0;
        for (int i = 0; i < NodeLimits.PeerInputsQueuedPerPeerMax; i++) if (budget.TryTake(VoteFrom(validator))) validatorTaken++;
        Assert.Equal(NodeLimits.PeerInputsQueuedPerPeerMax, validatorTaken);
        Assert.Equal(NodeLimits.PeerInputsQueuedMax / 2 + NodeLimits.PeerInputsQueuedPerPeerMax, budget.SignedQueued);
    }
}
