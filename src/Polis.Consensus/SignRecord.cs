using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;

namespace Polis.Consensus;

/// <summary>
/// What a validator is about to sign, with its lock and valid value at that moment. Written to the
/// WAL before the signature leaves the process; replayed after a crash so the validator never signs
/// a different thing for a (height, round, step) it already signed, and keeps its lock.
/// </summary>
public sealed record SignRecord(
    ulong Height,
    int Round,
    Step Step,
    Hash32 BlockId,
    int ProposalValidRound,
    int LockedRound,
    Block? LockedBlock,
    int ValidRound,
    Block? ValidBlock)
{
    /// <summary>True when signing (height, round, step) comes strictly after this record.</summary>
    public bool IsBefore(ulong height, int round, Step step) =>
        Height < height || (Height == height && (Round < round || (Round == round && Step < step)));

    /// <summary>The valid-block field's marker for "the locked block again" (0: none, 1: a block follows).</summary>
    private const byte SameAsLocked = 2;

    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(256);
        w.WriteU64(Height);
        w.WriteI32(Round);
        w.WriteU8((byte)Step);
        w.WriteHash(BlockId);
        w.WriteI32(ProposalValidRound);
        w.WriteI32(LockedRound);
        WriteOptionalBlock(w, LockedBlock);
        w.WriteI32(ValidRound);
        // From a polka on, the valid block is the locked one: a precommit's record would otherwise
        // carry the same block (up to megabytes, hashed, written and fsynced) twice.
        if (ValidBlock is not null && LockedBlock is not null && ValidBlock.Id == LockedBlock.Id) w.WriteU8(SameAsLocked);
        else WriteOptionalBlock(w, ValidBlock);
        return w.ToArray();
    }

    private static void WriteOptionalBlock(CanonicalWriter w, Block? block)
    {
        w.WriteBool(block is not null);
        if (block is not null) w.WriteBytes(block.ToBytes());
    }

    public static SignRecord Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        ulong height = r.ReadU64("height");
        int round = r.ReadI32("round");
        byte step = r.ReadU8("step");
        if (step > (byte)Step.Precommit) throw new CodecException($"unknown step {step}");
        var blockId = r.ReadHash("block id");
        int proposalValidRound = r.ReadI32("proposal valid round");
        int lockedRound = r.ReadI32("locked round");
        var locked = r.ReadBool("has locked block") ? Block.Decode(r.ReadBytesSpan(Limits.BlockBytesMax, "locked block")) : null;
        int validRound = r.ReadI32("valid round");
        var valid = r.ReadU8("valid block marker") switch
        {
            0 => null,
            1 => Block.Decode(r.ReadBytesSpan(Limits.BlockBytesMax, "valid block")),
            SameAsLocked => locked ?? throw new CodecException("valid block marked as the locked block, but there is no locked block"),
            var other => throw new CodecException($"valid block marker {other} (0, 1 or {SameAsLocked})"),
        };
        r.End("sign record");
        return new SignRecord(height, round, (Step)step, blockId, proposalValidRound, lockedRound, locked, validRound, valid);
    }
}
