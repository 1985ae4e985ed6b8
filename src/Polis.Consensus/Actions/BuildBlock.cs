namespace Polis.Consensus.Actions;

/// <summary>This validator proposes (height, round) and has no valid value: build a block and answer with <see cref="Events.BlockBuilt"/>.</summary>
public sealed record BuildBlock(ulong Height, int Round) : ConsensusAction;
