namespace Polis.Consensus.Actions;

/// <summary>Messages for a later height arrived: this validator is behind and should fetch decided blocks with their commits from <paramref name="FromHeight"/>.</summary>
public sealed record RequestCatchUp(ulong FromHeight) : ConsensusAction;
