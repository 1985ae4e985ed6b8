using Polis.Consensus;
using Polis.Consensus.Gossip;

namespace Polis.Simulation.Checkers;

/// <summary>
/// What each validator holds never exceeds its bounds: the engine's rounds, proposals and votes per
/// round, its future buffer (in all and per sender) and their bytes against
/// <see cref="ConsensusOptions.FootprintBytesMax"/>; the driver's own buffers (the gossip's height
/// messages, fetched blocks, future messages seen) against theirs. Sampled at every gossip tick.
/// </summary>
public sealed class MemoryChecker(ConsensusOptions options, int validators)
{
    public List<Violation> Violations { get; } = new();
    public long Samples { get; private set; }
    public long BytesMax { get; private set; }

    public void Sample<T>(long now, string node, int round, EngineFootprint engine, HeightMessages<T>? gossip, int heightMessages, int heightMessagesMax,
        int fetched, int fetchedMax, int futureSeen, int futureSeenMax)
    {
        Samples++;
        BytesMax = Math.Max(BytesMax, engine.Bytes);
        Check(now, node, "rounds held", engine.Rounds, round + options.RoundsAheadMax + 1L);
        Check(now, node, "proposals in one round", engine.ProposalsPerRoundMax, options.ProposalsPerRoundMax);
        Check(now, node, "votes of one kind in one round", engine.VotesPerRoundMax, ConsensusOptions.VotesPerRoundMax(validators));
        Check(now, node, "future messages", engine.FutureMessages, options.FutureMessagesMax);
        Check(now, node, "future messages of one sender", engine.FuturePerSenderMax, options.FutureMessagesPerSenderMax);
        Check(now, node, "engine bytes", engine.Bytes, options.FootprintBytesMax(validators, round));
        Check(now, node, "gossip messages of the height", heightMessages, heightMessagesMax);
        if (gossip is { } g)
        {
            // The store takes two of a round itself, and keeps those the engine counted from its buffer (up to the engine's bound).
            Check(now, node, "gossip proposals of one proposer in one round", g.ProposalsPerRoundHighest, Math.Max(HeightMessages<object>.ProposalsPerRoundMax, options.ProposalsPerRoundMax));
            Check(now, node, "gossip messages of one signer", g.SignerMessagesHighest, HeightMessages<object>.SignerMessagesMax);
            Check(now, node, "gossip bytes of one signer", g.SignerBytesHighest, HeightMessages<object>.SignerBytesMax);
            Check(now, node, "gossip votes held for claimed quorums", g.ClaimedVotes, heightMessagesMax - (long)validators * HeightMessages<object>.SignerMessagesMax);
        }
        Check(now, node, "fetched blocks waiting", fetched, fetchedMax);
        Check(now, node, "future messages seen", futureSeen, futureSeenMax);
    }

    private void Check(long now, string node, string what, long value, long bound)
    {
        if (value > bound) Violations.Add(new Violation("memory", now, $"{node}: {what} {value} > bound {bound}"));
    }
}
