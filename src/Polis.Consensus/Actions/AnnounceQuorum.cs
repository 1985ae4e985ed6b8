using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Consensus.Actions;

/// <summary>
/// A vote set of this height reached a quorum for <paramref name="BlockId"/> (zero for nil) for
/// the first time. The driver tells peers that lack it (CometBFT's VoteSetMaj23) and sends them
/// the votes again, so that an equivocator's vote, dropped by a peer that had kept its share of
/// that validator's votes, is taken once a quorum is claimed for its block
/// (<see cref="Events.QuorumClaimed"/>).
/// </summary>
public sealed record AnnounceQuorum(ulong Height, int Round, VoteType Type, Hash32 BlockId) : ConsensusAction;
