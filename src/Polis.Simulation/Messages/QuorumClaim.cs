using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Simulation.Messages;

/// <summary>"I hold a quorum of these votes for this block" (the node's quorum claim, CometBFT's VoteSetMaj23).</summary>
public sealed record QuorumClaim(ulong ForHeight, int Round, VoteType Type, Hash32 BlockId) : SimMessage(ForHeight);
