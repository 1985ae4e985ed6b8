using Polis.Core.Crypto;

namespace Polis.Consensus.Events;

/// <summary>The block executor's verdict on a block the engine asked about (valid means: the header's state root is the one this validator computed).</summary>
public sealed record BlockValidated(ulong Height, Hash32 BlockId, BlockVerdict Verdict, string Reason) : ConsensusEvent
{
    public bool Valid => Verdict == BlockVerdict.Valid;
}

/// <summary>
/// Valid, invalid for good (the block itself is wrong), or not valid yet: the block is judged by
/// something that changes with time (its time is ahead of this validator's clock). The engine keeps
/// an invalid verdict for the height and asks again about a not-yet-valid block once time has
/// passed (a timeout fired or a round started), so a later polka or commit for it still counts.
/// </summary>
public enum BlockVerdict : byte
{
    Valid,
    Invalid,
    NotYetValid,
}
