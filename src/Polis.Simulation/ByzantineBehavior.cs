namespace Polis.Simulation;

/// <summary>How a faulty validator misbehaves. Byzantine validators collude: they vote for each other's competing blocks.</summary>
public enum ByzantineBehavior
{
    None,
    /// <summary>As proposer, sends two different valid blocks to the two halves of the network; votes for both.</summary>
    EquivocatingProposer,
    /// <summary>Signs two votes in every step: for the competing block a colluding proposer sent (or nil against a block), one to each half.</summary>
    DoubleVote,
    /// <summary>Proposes and votes for invalid blocks (wrong state root, forged transaction).</summary>
    InvalidBlocks,
    /// <summary>The key is run by two honest instances (each alone behaves correctly).</summary>
    Twins,
    /// <summary>Votes honestly but holds its precommits back until the others' precommit timeouts fire, then gives them to half of the network.</summary>
    WithholdPrecommit,
    /// <summary>
    /// As proposer after round 0, proposes a fresh valid block claiming a polka in the previous round
    /// that never happened (a valid round it cannot justify); withholds its precommits like
    /// <see cref="WithholdPrecommit"/>, so rounds fail with honest validators locked.
    /// </summary>
    FakeValidRound,
    /// <summary>
    /// Acts honestly and, with every message, floods: distinct signed votes for made-up blocks in
    /// the same step and in later heights, and as proposer distinct valid competing proposals, all
    /// to every peer. What honest validators keep of it must stay within their bounds.
    /// </summary>
    Flood,
}
