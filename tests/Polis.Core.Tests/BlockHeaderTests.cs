using Polis.Core.Encoding;
using Polis.Core.Ledger;

namespace Polis.Core.Tests;

public class BlockHeaderTests
{
    /// <summary>Regression: the record's copy constructor carried the cached id into the copy.</summary>
    [Fact]
    public void Header_copied_with_a_changed_field_has_the_id_of_its_own_fields()
    {
        var header = Build.Header1();
        var id = header.Id;
        var copy = header with { StateRoot = Build.HashOf("other state") };
        Assert.NotEqual(id, copy.Id);
        Assert.NotEqual(header, copy);
        Assert.Equal(BlockHeader.Decode(copy.ToBytes()).Id, copy.Id);
    }

    [Fact]
    public void Header_copied_without_changes_is_equal_and_has_the_same_id()
    {
        var header = Build.Header1();
        var copy = header with { };
        Assert.Equal(header.Id, copy.Id);
        Assert.Equal(header, copy);
        Assert.Equal(header.GetHashCode(), copy.GetHashCode());
    }

    [Fact]
    public void Every_header_field_is_covered_by_the_id()
    {
        var h = Build.Header1();
        var other = Build.HashOf("other");
        BlockHeader[] variants =
        [
            h with { ChainId = "polis-test-2" }, h with { Height = 2 }, h with { TimeMs = h.TimeMs + 1 },
            h with { PreviousBlockId = other }, h with { TransactionsRoot = other }, h with { StateRoot = other },
            h with { ValidatorSetHash = other }, h with { Proposer = Build.User.Address }, h with { LastCommitHash = other },
            h with { EvidenceRoot = other },
        ];
        Assert.Equal(variants.Length + 1, variants.Select(v => v.Id).Append(h.Id).Distinct().Count());
    }

    [Fact]
    public void Decoder_rejects_height_0_and_an_invalid_chain_id()
    {
        var h = Build.Header1();
        Assert.Throws<CodecException>(() => BlockHeader.Decode((h with { Height = 0 }).ToBytes()));
        Assert.Throws<CodecException>(() => BlockHeader.Decode((h with { ChainId = "Polis" }).ToBytes()));
        Assert.Throws<CodecException>(() => BlockHeader.Decode((h with { ChainId = "" }).ToBytes()));
    }
}
