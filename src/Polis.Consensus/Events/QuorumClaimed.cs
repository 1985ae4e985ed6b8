using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Consensus.Events;

/// <summary>
/// A peer (<paramref name="Claimant"/>: the driver's identity for it, e.g. its node key) says it
/// holds a quorum of <paramref name="Type"/> votes for <paramref name="BlockId"/> in
/// (<paramref name="Height"/>, <paramref name="Round"/>). Unproven and unsigned: it only lets the
/// round's vote set keep a conflicting vote for that block beyond its per-validator bound, one
/// claimed block per claimant and a bounded number of claimants, so a lying peer can make the
/// engine keep more votes but never count one that was not signed.
/// </summary>
/// <paramref name="Trusted"/>: from a peer the operator pinned, heard in slots of its own.
public sealed record QuorumClaimed(ulong Height, int Round, VoteType Type, Hash32 BlockId, Hash32 Claimant, bool Trusted = false) : ConsensusEvent;
