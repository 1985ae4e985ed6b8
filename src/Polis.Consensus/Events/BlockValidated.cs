using Polis.Core.Crypto;

namespace Polis.Consensus.Events;

/// <summary>The block executor's verdict on a block the engine asked about (valid means: the header's state root is the one this validator computed).</summary>
public sealed record BlockValidated(ulong Height, Hash32 BlockId, bool Valid, string Reason) : ConsensusEvent;
