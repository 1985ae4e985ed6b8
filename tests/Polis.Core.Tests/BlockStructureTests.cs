using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Core.Tests;

/// <summary>Block.CheckStructure ties the body to the header without needing state.</summary>
public class BlockStructureTests
{
    [Fact]
    public void Well_formed_blocks_at_height_1_and_2_pass()
    {
        Assert.Equal("", Build.Block1().CheckStructure());
        Assert.Equal("", Build.Block2().CheckStructure());
    }

    [Fact]
    public void Header_transactions_root_not_matching_the_body_is_caught()
    {
        var block = Build.Block2();
        Assert.Contains("transactions root", Rebuild(block, block.Header with { TransactionsRoot = Build.HashOf("x") }).CheckStructure());
        Assert.Contains("transactions root", new Block(block.Header, [.. block.Transactions, Build.Transfer(1)], block.LastCommit, block.Evidence).CheckStructure());
        Assert.Contains("transactions root", new Block(block.Header, [], block.LastCommit, block.Evidence).CheckStructure());
    }

    [Fact]
    public void Transaction_order_is_part_of_the_root()
    {
        Transaction[] txs = [Build.Transfer(1), Build.Transfer(2)];
        var block = Build.Block2();
        var header = block.Header with { TransactionsRoot = Block.TransactionsRoot(txs) };
        Assert.Equal("", new Block(header, txs, block.LastCommit, block.Evidence).CheckStructure());
        Assert.Contains("transactions root", new Block(header, [txs[1], txs[0]], block.LastCommit, block.Evidence).CheckStructure());
    }

    [Fact]
    public void Header_evidence_root_not_matching_the_body_is_caught()
    {
        var block = Build.Block2();
        Assert.Contains("evidence root", new Block(block.Header, block.Transactions, block.LastCommit, []).CheckStructure());
        Assert.Contains("evidence root", Rebuild(block, block.Header with { EvidenceRoot = Block.EvidenceRootOf([]) }).CheckStructure());
        Assert.Contains("evidence root", new Block(block.Header, block.Transactions, block.LastCommit, [Build.Equivocation(2)]).CheckStructure());
    }

    [Fact]
    public void Missing_last_commit_after_height_1_is_caught()
    {
        var block = Build.Block2();
        Assert.Contains("missing", new Block(block.Header, block.Transactions, null, block.Evidence).CheckStructure());
    }

    [Fact]
    public void Block_1_with_a_last_commit_or_a_last_commit_hash_is_caught()
    {
        var block = Build.Block1();
        var commit = Build.Commit(1, 0, Build.HashOf("genesis"), 0, 1, 2);
        Assert.Contains("block 1 cannot", new Block(block.Header, [], commit, []).CheckStructure());
        Assert.Contains("zero last commit hash", Rebuild(block, block.Header with { LastCommitHash = commit.Hash() }).CheckStructure());
    }

    [Fact]
    public void Last_commit_for_another_height_block_or_signer_set_is_caught()
    {
        var block = Build.Block2();
        var previousId = block.Header.PreviousBlockId;
        Assert.Contains("previous height", WithLastCommit(block, Build.Commit(2, 0, previousId, 0, 1, 2)).CheckStructure());
        Assert.Contains("previous block", WithLastCommit(block, Build.Commit(1, 0, Build.HashOf("other"), 0, 1, 2)).CheckStructure());
        // Same height and block, but not the commit the header hashed: other signers, or another round.
        Assert.Contains("last commit hash", new Block(block.Header, block.Transactions, Build.Commit(1, 0, previousId, 1, 2, 3), block.Evidence).CheckStructure());
        Assert.Contains("last commit hash", new Block(block.Header, block.Transactions, Build.Commit(1, 1, previousId, 0, 1, 2), block.Evidence).CheckStructure());
    }

    [Fact]
    public void Header_previous_block_id_not_matching_the_last_commit_is_caught()
    {
        var block = Build.Block2();
        Assert.Contains("previous block", Rebuild(block, block.Header with { PreviousBlockId = Build.HashOf("fork") }).CheckStructure());
    }

    [Fact]
    public void Transaction_for_another_chain_is_caught_even_with_a_matching_root()
    {
        var block = Build.Block2();
        Transaction[] txs = [Build.Transfer(0, "other-chain")];
        var header = block.Header with { TransactionsRoot = Block.TransactionsRoot(txs) };
        Assert.Contains("for chain 'other-chain'", new Block(header, txs, block.LastCommit, block.Evidence).CheckStructure());
    }

    [Fact]
    public void More_transactions_than_the_limit_are_caught()
    {
        var block = Build.Block2();
        var txs = Enumerable.Repeat(Build.Transfer(0), Limits.BlockTxsMax + 1).ToArray();
        Assert.Contains($"more than {Limits.BlockTxsMax}", new Block(block.Header, txs, block.LastCommit, block.Evidence).CheckStructure());
    }

    [Fact]
    public void Empty_body_roots_are_the_empty_tree_root()
    {
        Assert.Equal(Merkle.MerkleTree.EmptyRoot, Block.TransactionsRoot([]));
        Assert.Equal(Merkle.MerkleTree.EmptyRoot, Block.EvidenceRootOf([]));
    }

    private static Block Rebuild(Block block, BlockHeader header) => new(header, block.Transactions, block.LastCommit, block.Evidence);

    private static Block WithLastCommit(Block block, Commit commit) =>
        new(block.Header with { LastCommitHash = commit.Hash() }, block.Transactions, commit, block.Evidence);
}
