namespace Polis.Consensus.Actions;

/// <summary>One line per action for traces and debug logs (the simulator's and the node's).</summary>
public static class ActionText
{
    public static string Describe(ConsensusAction action) => action switch
    {
        BroadcastProposal bp => $"propose h={bp.Proposal.Height} r={bp.Proposal.Round} vr={bp.Proposal.ValidRound} {bp.Block.Id.Short} ({bp.Block.Transactions.Count} txs)",
        BroadcastVote bv => bv.Vote.ToString(),
        Decide d => $"DECIDE h={d.Block.Height} {d.Block.Id.Short} round {d.Commit.Round}",
        ValidateBlock v => $"validate {v.Block.Id.Short}",
        PersistSignRecord p => $"wal h={p.Record.Height} r={p.Record.Round} {p.Record.Step}",
        GossipBuffered { Message: Events.VoteReceived v } => $"relay buffered {v.Vote}",
        GossipBuffered { Message: Events.ProposalReceived p } => $"relay buffered proposal h={p.Proposal.Height} r={p.Proposal.Round} {p.Block.Id.Short}",
        _ => action.ToString(),
    };
}
