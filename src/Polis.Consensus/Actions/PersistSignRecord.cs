namespace Polis.Consensus.Actions;

/// <summary>
/// Make <paramref name="Record"/> durable (write and sync the WAL) before carrying out any later
/// action: the broadcast that follows carries what this record says was signed.
/// </summary>
public sealed record PersistSignRecord(SignRecord Record) : ConsensusAction;
