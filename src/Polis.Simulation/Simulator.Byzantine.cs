using Polis.Consensus;
using Polis.Consensus.Actions;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Modules.Accounts;
using Polis.Simulation.Messages;

namespace Polis.Simulation;

/// <summary>
/// Byzantine validators run the honest engine and lie on the wire: the engine decides what it
/// would send, these hooks send something else, signed with the validator's real key. The
/// competing blocks are real and valid, so honest validators can vote for them.
/// </summary>
public sealed partial class Simulator
{
    private readonly Dictionary<(int Validator, ulong Height), Hash32> _corruptBlock = new();
    /// <summary>The second block a Byzantine proposer sent to half 1 at (height, round); its colluders vote for it there.</summary>
    private readonly Dictionary<(ulong Height, int Round), (Hash32 First, Hash32 Second)> _competing = new();

    private void SendProposal(SimNode node, BroadcastProposal bp)
    {
        var p = bp.Proposal;
        switch (node.Behavior)
        {
            case ByzantineBehavior.EquivocatingProposer:
                var other = CompetingBlock(node, bp.Block);
                var otherProposal = Proposal.Create(ChainIdValue, node.Key, p.Height, p.Round, -1, other.Id);
                _competing[(p.Height, p.Round)] = (bp.Block.Id, other.Id);
                SplitSend(node, new ProposalMessage(p, bp.Block), new ProposalMessage(otherProposal, other));
                break;
            case ByzantineBehavior.InvalidBlocks:
                var bad = CorruptBlock(node, bp.Block);
                _corruptBlock[(node.ValidatorIndex, bad.Height)] = bad.Id;
                Broadcast(node, new ProposalMessage(Proposal.Create(ChainIdValue, node.Key, p.Height, p.Round, p.ValidRound, bad.Id), bad));
                break;
            case ByzantineBehavior.FakeValidRound when p.Round > 0:
                // A fresh block presented as the value of a polka in the previous round: honest
                // validators must look for that polka before they unlock for it.
                var fresh = CompetingBlock(node, bp.Block);
                var fake = Proposal.Create(ChainIdValue, node.Key, p.Height, p.Round, p.Round - 1, fresh.Id);
                Broadcast(node, new ProposalMessage(fake, fresh));
                Broadcast(node, new VoteMessage(Vote.Create(ChainIdValue, node.Key, VoteType.Prevote, p.Height, p.Round - 1, fresh.Id)));
                break;
            case ByzantineBehavior.Flood:
                Publish(node, new ProposalMessage(p, bp.Block));
                for (int i = 0; i < FloodProposals; i++)
                {
                    var extra = CompetingBlock(node, bp.Block);
                    Broadcast(node, new ProposalMessage(Proposal.Create(ChainIdValue, node.Key, p.Height, p.Round, -1, extra.Id), extra));
                }
                break;
            default:
                Publish(node, new ProposalMessage(p, bp.Block));
                break;
        }
    }

    /// <summary>What a flooding validator adds to each of its proposals and votes.</summary>
    private const int FloodProposals = 4, FloodVotes = 24;

    private void Flood(SimNode node, Vote vote)
    {
        for (int i = 0; i < FloodVotes; i++)
        {
            // Half in this step, half in the next heights (kept by receivers for later, up to their share).
            ulong height = vote.Height + (ulong)(i % 2 == 0 ? 0 : 1 + _random.Next(2));
            var extra = Vote.Create(ChainIdValue, node.Key, vote.Type, height, vote.Round + _random.Next(3), RandomHash());
            // A lying quorum claim for some of them, so receivers keep those beyond the per-validator bound: memory must stay bounded still.
            if (i % 4 == 0) Broadcast(node, new QuorumClaim(extra.Height, extra.Round, extra.Type, extra.BlockId));
            Broadcast(node, new VoteMessage(extra));
        }
    }

    private void SendVote(SimNode node, Vote vote)
    {
        switch (node.Behavior)
        {
            case ByzantineBehavior.DoubleVote:
            case ByzantineBehavior.EquivocatingProposer:
                if (_competing.TryGetValue((vote.Height, vote.Round), out var pair))
                {
                    SplitSend(node, new VoteMessage(Vote.Create(ChainIdValue, node.Key, vote.Type, vote.Height, vote.Round, pair.First)),
                        new VoteMessage(Vote.Create(ChainIdValue, node.Key, vote.Type, vote.Height, vote.Round, pair.Second)));
                    break;
                }
                if (node.Behavior == ByzantineBehavior.EquivocatingProposer)
                {
                    Broadcast(node, new VoteMessage(vote));
                    break;
                }
                var otherId = vote.IsNil ? RandomHash() : Hash32.Zero;
                SplitSend(node, new VoteMessage(vote), new VoteMessage(Vote.Create(ChainIdValue, node.Key, vote.Type, vote.Height, vote.Round, otherId)));
                break;
            case ByzantineBehavior.InvalidBlocks:
                var target = _corruptBlock.TryGetValue((node.ValidatorIndex, vote.Height), out var id) ? id : RandomHash();
                Broadcast(node, new VoteMessage(Vote.Create(ChainIdValue, node.Key, vote.Type, vote.Height, vote.Round, target)));
                break;
            case ByzantineBehavior.WithholdPrecommit or ByzantineBehavior.FakeValidRound when vote.Type == VoteType.Precommit && !vote.IsNil:
                // Released just after the honest precommit timeouts of its round, to half of the peers.
                long hold = _options.Consensus.TimeoutMs(Step.Precommit, vote.Round) + _random.Next(50, 250);
                int incarnation = node.Incarnation;
                _queue.After(hold, () =>
                {
                    if (!node.IsUp || node.Incarnation != incarnation) return;
                    foreach (var to in _nodes)
                        if (to.Instance != node.Instance && to.Instance % 2 == 0) Send(node, to, new VoteMessage(vote));
                });
                break;
            case ByzantineBehavior.Flood:
                Publish(node, new VoteMessage(vote));
                Flood(node, vote);
                break;
            default:
                Publish(node, new VoteMessage(vote));
                break;
        }
    }

    /// <summary>Sends <paramref name="a"/> to half 0 of the network and <paramref name="b"/> to half 1 (the same halves for every colluder).</summary>
    private void SplitSend(SimNode node, SimMessage a, SimMessage b)
    {
        foreach (var to in _nodes)
            if (to.Instance != node.Instance) Send(node, to, to.Instance % 2 == 0 ? a : b);
    }

    /// <summary>A second valid block for the same height: no transactions, another time.</summary>
    private Block CompetingBlock(SimNode node, Block block) =>
        node.Chain.Build(block.Header.TimeMs + 1 + _random.Next(1000), node.Key.Address, [], []);

    /// <summary>A block that is well-formed and correctly signed but invalid: a wrong state root or a forged transaction.</summary>
    private Block CorruptBlock(SimNode node, Block block)
    {
        var header = block.Header;
        if (_random.Next(2) == 0) return new Block(header with { StateRoot = RandomHash() }, block.Transactions, block.LastCommit, block.Evidence);
        var honest = Transaction.Create(ChainIdValue, AccountKeys[0], 0, AccountsKeys.Module, new TransferBody(node.Key.Address, 1).ToBytes());
        var bytes = honest.Encoded.ToArray();
        bytes[^1] ^= 0x01; // the signature no longer verifies
        var forged = Transaction.Decode(bytes);
        var txs = new List<Transaction>(block.Transactions) { forged };
        return new Block(header with { TransactionsRoot = Block.TransactionsRoot(txs) }, txs, block.LastCommit, block.Evidence);
    }

    private Hash32 RandomHash()
    {
        Span<byte> bytes = stackalloc byte[Hash32.Size];
        _random.NextBytes(bytes);
        return new Hash32(bytes);
    }
}
