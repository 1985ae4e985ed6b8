using Polis.Core.Crypto;

namespace Polis.Simulation.Messages;

/// <summary>"Send me the proposal of (height, round) for this block": a quorum precommitted a block the sender never received.</summary>
public sealed record ProposalWanted(ulong ForHeight, int Round, Hash32 BlockId) : SimMessage(ForHeight);
