using Polis.Consensus;
using Polis.Core.Encoding;
using Polis.Core.Ledger;

namespace Polis.Consensus.Tests;

public sealed class SignRecordCodecTests
{
    private static SignRecord Record(Block? locked, Block? valid) =>
        new(7, 2, Step.Precommit, (locked ?? valid)?.Id ?? default, 1, locked is null ? -1 : 1, locked, valid is null ? -1 : 1, valid);

    [Fact]
    public void A_valid_block_that_is_the_locked_block_is_written_once_and_read_back_as_that_block()
    {
        var block = EngineHarness.MakeBlock(7, 1);
        var other = EngineHarness.MakeBlock(7, 2);
        var bytes = Record(block, block).ToBytes();
        var both = Record(block, other).ToBytes();
        int blockBytes = block.ToBytes().Length;
        Assert.True(bytes.Length < blockBytes + 100, $"{bytes.Length} bytes for one block of {blockBytes}");
        Assert.True(both.Length > 2 * blockBytes, "two different blocks are both written");

        var decoded = SignRecord.Decode(bytes);
        Assert.Equal(block.Id, decoded.LockedBlock!.Id);
        Assert.Same(decoded.LockedBlock, decoded.ValidBlock);
        Assert.Equal(other.Id, SignRecord.Decode(both).ValidBlock!.Id);
        Assert.Null(SignRecord.Decode(Record(null, null).ToBytes()).ValidBlock);
        Assert.Equal(block.Id, SignRecord.Decode(Record(null, block).ToBytes()).ValidBlock!.Id);
    }

    [Fact]
    public void A_record_written_before_the_marker_existed_still_reads()
    {
        // The earlier layout wrote the valid block in full even when it was the locked one.
        var block = EngineHarness.MakeBlock(7, 1);
        var w = new CanonicalWriter();
        w.WriteU64(7); w.WriteI32(2); w.WriteU8((byte)Step.Precommit); w.WriteHash(block.Id); w.WriteI32(1);
        w.WriteI32(1); w.WriteBool(true); w.WriteBytes(block.ToBytes());
        w.WriteI32(1); w.WriteBool(true); w.WriteBytes(block.ToBytes());
        var decoded = SignRecord.Decode(w.ToArray());
        Assert.Equal(block.Id, decoded.LockedBlock!.Id);
        Assert.Equal(block.Id, decoded.ValidBlock!.Id);
    }

    [Fact]
    public void A_marker_without_a_locked_block_or_an_unknown_marker_is_rejected()
    {
        var valid = EngineHarness.MakeBlock(7, 1);
        var bytes = Record(null, valid).ToBytes();
        int marker = bytes.Length - 1 - valid.ToBytes().Length - 4 - 1; // before the valid block's length prefix (the last byte is the proposed-block marker)
        Assert.Equal(1, bytes[marker]);
        var same = bytes[..(marker + 1)];
        same[marker] = 2;
        Assert.Contains("no locked block", Assert.Throws<CodecException>(() => SignRecord.Decode(same)).Message);
        same[marker] = 3;
        Assert.Contains("marker 3", Assert.Throws<CodecException>(() => SignRecord.Decode(same)).Message);
    }
}
