using Polis.Consensus.Actions;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Modules.Accounts;
using Polis.Simulation.Messages;

namespace Polis.Simulation;

/// <summary>
/// Byzantine validators run the honest engine and lie on the wire: the engine decides what it
/// would send, these hooks send something else, signed with the validator's real key.
/// </summary>
public sealed partial class Simulator
{
    private readonly Dictionary<(int Validator, ulong Height), Hash32> _corruptBlock = new();

    private void SendProposal(SimNode node, BroadcastProposal bp)
    {
        switch (node.Behavior)
        {
            case ByzantineBehavior.EquivocatingProposer:
                var other = node.Chain.Build(bp.Block.Header.TimeMs + 1 + _random.Next(1000), node.Key.Address, [], []);
                var otherProposal = Proposal.Create(ChainIdValue, node.Key, bp.Proposal.Height, bp.Proposal.Round, -1, other.Id);
                SplitSend(node, new ProposalMessage(bp.Proposal, bp.Block), new ProposalMessage(otherProposal, other));
                break;
            case ByzantineBehavior.InvalidBlocks:
                var bad = CorruptBlock(node, bp.Block);
                _corruptBlock[(node.ValidatorIndex, bad.Height)] = bad.Id;
                var badProposal = Proposal.Create(ChainIdValue, node.Key, bp.Proposal.Height, bp.Proposal.Round, bp.Proposal.ValidRound, bad.Id);
                Broadcast(node, new ProposalMessage(badProposal, bad));
                break;
            default:
                Broadcast(node, new ProposalMessage(bp.Proposal, bp.Block));
                break;
        }
    }

    private void SendVote(SimNode node, Vote vote)
    {
        switch (node.Behavior)
        {
            case ByzantineBehavior.DoubleVote:
                var otherId = vote.IsNil ? RandomHash() : Hash32.Zero;
                var conflicting = Vote.Create(ChainIdValue, node.Key, vote.Type, vote.Height, vote.Round, otherId);
                SplitSend(node, new VoteMessage(vote), new VoteMessage(conflicting));
                break;
            case ByzantineBehavior.InvalidBlocks:
                var target = _corruptBlock.TryGetValue((node.ValidatorIndex, vote.Height), out var id) ? id : RandomHash();
                Broadcast(node, new VoteMessage(Vote.Create(ChainIdValue, node.Key, vote.Type, vote.Height, vote.Round, target)));
                break;
            default:
                Broadcast(node, new VoteMessage(vote));
                break;
        }
    }

    /// <summary>Sends one message to half of the peers and the other to the rest.</summary>
    private void SplitSend(SimNode node, SimMessage a, SimMessage b)
    {
        int k = 0;
        foreach (var to in _nodes)
            if (to.Instance != node.Instance) Send(node, to, k++ % 2 == 0 ? a : b);
    }

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
