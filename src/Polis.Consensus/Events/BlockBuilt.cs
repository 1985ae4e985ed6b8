using Polis.Core.Ledger;

namespace Polis.Consensus.Events;

/// <summary>The block the driver built for this validator's turn to propose (already executed, so valid).</summary>
public sealed record BlockBuilt(ulong Height, int Round, Block Block) : ConsensusEvent;
