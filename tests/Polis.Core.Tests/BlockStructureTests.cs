using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Core.Tests;

public sealed class BlockStructureTests
{
    [Fact]
    public void Well_formed_blocks_pass()
    {
        Assert.Equal("", Build.Block1().CheckStructure());
        Assert.Equal("", Build.Block2().CheckStructure());
    }

    [Fact]
    public void A_body_that_does_not_match_its_header_is_caught()
    {
        var b = Build.Block2();
        Assert.Contains("transactions root", new Block(b.Header, [Build.Tx(8)], b.LastCommit, b.Evidence).CheckStructure());
        Assert.Contains("evidence root", new Block(b.Header, b.Transactions, b.LastCommit, []).CheckStructure());
        Assert.Contains("commit", new Block(b.Header, b.Transactions, null, b.Evidence).CheckStructure());
        var otherCommit = Build.Commit(b.Header.PreviousBlockId, 1, 0, 0, 1, 2);
        Assert.Contains("last commit hash", new Block(b.Header, b.Transactions, otherCommit, b.Evidence).CheckStructure());
        var wrongChainTx = Transaction.Create("other-chain", Build.Alice, 0, ModuleId.Accounts, [1]);
        var header = b.Header with { TransactionsRoot = Block.TransactionsRoot([wrongChainTx]) };
        Assert.Contains("chain", new Block(header, [wrongChainTx], b.LastCommit, b.Evidence).CheckStructure());
    }

    [Fact]
    public void Changing_any_header_field_changes_the_block_id()
    {
        var h = Build.Block2().Header;
        var variants = new[]
        {
            h with { Height = 3 }, h with { TimeMs = h.TimeMs + 1 }, h with { StateRoot = Build.Id(50) },
            h with { PreviousBlockId = Build.Id(51) }, h with { ValidatorSetHash = Build.Id(52) }, h with { Proposer = Build.Keys[0].Address },
            h with { LastCommitHash = Build.Id(53) }, h with { EvidenceRoot = Build.Id(54) }, h with { TransactionsRoot = Build.Id(55) },
            h with { ChainId = "polis-other" },
        };
        Assert.Equal(variants.Length + 1, variants.Select(v => v.Id).Append(h.Id).Distinct().Count());
    }
}
