using Polis.Core.Crypto;

namespace Polis.Consensus.Actions;

/// <summary>A quorum voted for a block this validator has not received: ask peers for the proposal of (height, round).</summary>
public sealed record RequestProposal(ulong Height, int Round, Hash32 BlockId) : ConsensusAction;
