using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;

namespace Polis.Consensus;

/// <summary>
/// What a validator is about to sign, with its lock and valid value at that moment. Made durable
/// before the signature leaves the process; read back after a crash so the validator never signs a
/// different thing for a (height, round, step) it already signed, keeps its lock, and re-sends what
/// it had signed (a proposal's record carries the proposed block for that).
/// <para>
/// Two encodings: the full record (<see cref="ToBytes"/>, with the blocks: the consensus WAL) and
/// the guard (<see cref="ToGuardBytes"/>, ids only and of bounded size: the double-sign guard
/// file that compaction never rewrites). A record read from the guard alone has the ids and no
/// blocks: enough to refuse a double sign and to honour the lock.
/// </para>
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
    /// <summary>The guard's encoding never exceeds this.</summary>
    public const int GuardBytesMax = 8 + 4 + 1 + Hash32.Size + 4 + 4 + 1 + Hash32.Size + 4 + 1 + Hash32.Size;

    private readonly Hash32? _lockedBlockId;
    private readonly Hash32? _validBlockId;

    /// <summary>The block locked on: the block's id, or (read from the guard) the id alone.</summary>
    public Hash32? LockedBlockId { get => LockedBlock?.Id ?? _lockedBlockId; init => _lockedBlockId = value; }

    /// <summary>The valid value: the block's id, or (read from the guard) the id alone.</summary>
    public Hash32? ValidBlockId { get => ValidBlock?.Id ?? _validBlockId; init => _validBlockId = value; }

    /// <summary>For a proposal's record: the block proposed, so the proposal can be sent again after a crash.</summary>
    public Block? ProposedBlock { get; init; }

    /// <summary>
    /// A record that forbids signing anything at or below <paramref name="height"/>: what an
    /// operator writes when neither the WAL nor the guard can be trusted, naming a height the chain
    /// has committed past. A validator resuming at that height starts it fresh and signs nothing in it.
    /// </summary>
    public static SignRecord Floor(ulong height) => new(height, int.MaxValue, Step.Precommit, Hash32.Zero, -1, -1, null, -1, null);

    /// <summary>Whether this is a <see cref="Floor"/> record rather than something signed.</summary>
    public bool IsFloor => Round == int.MaxValue;

    /// <summary>True when signing (height, round, step) comes strictly after this record.</summary>
    public bool IsBefore(ulong height, int round, Step step) =>
        Height < height || (Height == height && (Round < round || (Round == round && Step < step)));

    /// <summary>Whether this record and <paramref name="other"/> signed the same (height, round, step) with the same content.</summary>
    public bool SignsSameAs(SignRecord other) =>
        Height == other.Height && Round == other.Round && Step == other.Step && BlockId == other.BlockId && ProposalValidRound == other.ProposalValidRound;

    /// <summary>
    /// Markers of an optional block: none, a block follows, the same block as an earlier field, or
    /// the id alone (a record resumed from the guard knows its lock by id: the WAL must keep that id,
    /// or a restart that reads this record would forget the lock).
    /// </summary>
    private const byte NoBlock = 0, BlockFollows = 1, SameAsLocked = 2, SameAsValid = 3, IdOnly = 4;

    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(256);
        WriteSigned(w);
        WriteOptionalBlock(w, LockedBlock, _lockedBlockId);
        w.WriteI32(ValidRound);
        // From a polka on, the valid block is the locked one: a precommit's record would otherwise
        // carry the same block (up to megabytes, hashed, written and fsynced) twice.
        if (ValidBlock is not null && LockedBlock is not null && ValidBlock.Id == LockedBlock.Id) w.WriteU8(SameAsLocked);
        else WriteOptionalBlock(w, ValidBlock, _validBlockId);
        // A re-proposal proposes the valid block: written once.
        if (ProposedBlock is not null && ValidBlock is not null && ProposedBlock.Id == ValidBlock.Id) w.WriteU8(SameAsValid);
        else if (ProposedBlock is not null && LockedBlock is not null && ProposedBlock.Id == LockedBlock.Id) w.WriteU8(SameAsLocked);
        else WriteOptionalBlock(w, ProposedBlock, null);
        return w.ToArray();
    }

    private static void WriteOptionalBlock(CanonicalWriter w, Block? block, Hash32? idAlone)
    {
        if (block is not null)
        {
            w.WriteU8(BlockFollows);
            w.WriteBytes(block.ToBytes());
        }
        else if (idAlone is { } id)
        {
            w.WriteU8(IdOnly);
            w.WriteHash(id);
        }
        else w.WriteU8(NoBlock);
    }

    /// <summary>
    /// Reads a full record. Records written before proposals carried their block (they end after
    /// the valid block) still read, without a proposed block.
    /// </summary>
    public static SignRecord Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        var (height, round, step, blockId, proposalValidRound, lockedRound) = ReadSigned(ref r);
        Hash32? lockedId = null, validId = null;
        byte lockedMarker = r.ReadU8("locked block marker");
        var locked = lockedMarker switch
        {
            NoBlock or IdOnly => null,
            BlockFollows => Block.Decode(r.ReadBytesSpan(Limits.BlockBytesMax, "locked block")),
            var other => throw new CodecException($"locked block marker {other} (0, 1 or {IdOnly})"),
        };
        if (lockedMarker == IdOnly) lockedId = r.ReadHash("locked block id");
        int validRound = r.ReadI32("valid round");
        byte validMarker = r.ReadU8("valid block marker");
        var valid = validMarker switch
        {
            NoBlock or IdOnly => null,
            BlockFollows => Block.Decode(r.ReadBytesSpan(Limits.BlockBytesMax, "valid block")),
            SameAsLocked => locked ?? throw new CodecException("valid block marked as the locked block, but there is no locked block"),
            var other => throw new CodecException($"valid block marker {other} (0 to {IdOnly})"),
        };
        if (validMarker == IdOnly) validId = r.ReadHash("valid block id");
        Block? proposed = null;
        if (r.Remaining > 0)
        {
            proposed = r.ReadU8("proposed block marker") switch
            {
                NoBlock => null,
                BlockFollows => Block.Decode(r.ReadBytesSpan(Limits.BlockBytesMax, "proposed block")),
                SameAsLocked => locked ?? throw new CodecException("proposed block marked as the locked block, but there is no locked block"),
                SameAsValid => valid ?? throw new CodecException("proposed block marked as the valid block, but there is no valid block"),
                var other => throw new CodecException($"proposed block marker {other} (0 to {SameAsValid})"),
            };
        }
        r.End("sign record");
        if (proposed is not null && (step != Step.Propose || proposed.Id != blockId))
            throw new CodecException("a proposed block belongs only to a proposal's record, for the block it signs");
        return new SignRecord(height, round, step, blockId, proposalValidRound, lockedRound, locked, validRound, valid)
        {
            ProposedBlock = proposed,
            LockedBlockId = lockedId,
            ValidBlockId = validId,
        };
    }

    /// <summary>The guard: the same record with ids in place of blocks, at most <see cref="GuardBytesMax"/> bytes.</summary>
    public byte[] ToGuardBytes()
    {
        var w = new CanonicalWriter(GuardBytesMax);
        WriteSigned(w);
        WriteOptionalId(w, LockedBlockId);
        w.WriteI32(ValidRound);
        WriteOptionalId(w, ValidBlockId);
        return w.ToArray();
    }

    private static void WriteOptionalId(CanonicalWriter w, Hash32? id)
    {
        w.WriteBool(id is not null);
        if (id is { } value) w.WriteHash(value);
    }

    /// <summary>Reads the guard's encoding: a record with ids and no blocks.</summary>
    public static SignRecord DecodeGuard(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        var (height, round, step, blockId, proposalValidRound, lockedRound) = ReadSigned(ref r);
        Hash32? lockedId = r.ReadBool("has locked block") ? r.ReadHash("locked block id") : null;
        int validRound = r.ReadI32("valid round");
        Hash32? validId = r.ReadBool("has valid block") ? r.ReadHash("valid block id") : null;
        r.End("sign guard");
        return new SignRecord(height, round, step, blockId, proposalValidRound, lockedRound, null, validRound, null)
        {
            LockedBlockId = lockedId,
            ValidBlockId = validId,
        };
    }

    private void WriteSigned(CanonicalWriter w)
    {
        w.WriteU64(Height);
        w.WriteI32(Round);
        w.WriteU8((byte)Step);
        w.WriteHash(BlockId);
        w.WriteI32(ProposalValidRound);
        w.WriteI32(LockedRound);
    }

    /// <summary>The fields both encodings begin with: what was signed, and the locked round.</summary>
    private static (ulong Height, int Round, Step Step, Hash32 BlockId, int ProposalValidRound, int LockedRound) ReadSigned(ref CanonicalReader r) =>
        (r.ReadU64("height"), r.ReadI32("round"), ReadStep(ref r), r.ReadHash("block id"), r.ReadI32("proposal valid round"), r.ReadI32("locked round"));

    private static Step ReadStep(ref CanonicalReader r)
    {
        byte step = r.ReadU8("step");
        if (step > (byte)Step.Precommit) throw new CodecException($"unknown step {step}");
        return (Step)step;
    }
}
