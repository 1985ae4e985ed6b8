using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Merkle;

namespace Polis.Core.Ledger;

/// <summary>
/// A block: header, transactions, the commit of the previous block (absent at height 1) and
/// evidence of misbehaviour. <see cref="CheckStructure"/> ties the body to the header's roots.
/// </summary>
public sealed class Block(BlockHeader header, IReadOnlyList<Transaction> transactions, Commit? lastCommit, IReadOnlyList<DuplicateVoteEvidence> evidence)
{
    public BlockHeader Header { get; } = header;
    public IReadOnlyList<Transaction> Transactions { get; } = transactions;
    public Commit? LastCommit { get; } = lastCommit;
    public IReadOnlyList<DuplicateVoteEvidence> Evidence { get; } = evidence;
    public Hash32 Id => Header.Id;
    public ulong Height => Header.Height;

    /// <summary>About the bytes this block holds in memory (its encoding's size, from its parts, without encoding it).</summary>
    public long ApproximateBytes
    {
        get
        {
            long bytes = 512 + 2L * Evidence.Count * Vote.EncodedSize + (LastCommit?.Signatures.Count ?? 0) * 128L;
            foreach (var tx in Transactions) bytes += 4 + tx.Encoded.Length;
            return bytes;
        }
    }

    public static Hash32 TransactionsRoot(IReadOnlyList<Transaction> transactions)
    {
        var leaves = new Hash32[transactions.Count];
        for (int i = 0; i < leaves.Length; i++) leaves[i] = MerkleTree.LeafHash(transactions[i].Encoded);
        return MerkleTree.RootOfLeafHashes(leaves);
    }

    public static Hash32 EvidenceRootOf(IReadOnlyList<DuplicateVoteEvidence> evidence)
    {
        var leaves = new Hash32[evidence.Count];
        for (int i = 0; i < leaves.Length; i++) leaves[i] = MerkleTree.LeafHash(evidence[i].ToBytes());
        return MerkleTree.RootOfLeafHashes(leaves);
    }

    /// <summary>
    /// Checks what can be checked without state: the roots match the body, the last commit matches
    /// the header's hash, transactions are for this chain. Returns "" when consistent, else the reason.
    /// </summary>
    public string CheckStructure()
    {
        if (Transactions.Count > Limits.BlockTxsMax) return $"more than {Limits.BlockTxsMax} transactions";
        foreach (var tx in Transactions)
            if (tx.ChainId != Header.ChainId) return $"transaction {tx.Hash.Short} is for chain '{tx.ChainId}'";
        if (TransactionsRoot(Transactions) != Header.TransactionsRoot) return "transactions root does not match the body";
        if (EvidenceRootOf(Evidence) != Header.EvidenceRoot) return "evidence root does not match the body";
        if (Header.Height == 1)
        {
            if (LastCommit is not null) return "block 1 cannot carry a last commit";
            if (!Header.LastCommitHash.IsZero) return "block 1 must have a zero last commit hash";
        }
        else
        {
            if (LastCommit is null) return "missing the previous block's commit";
            if (LastCommit.Height != Header.Height - 1) return "last commit is not for the previous height";
            if (LastCommit.BlockId != Header.PreviousBlockId) return "last commit is not for the previous block";
            if (LastCommit.Hash() != Header.LastCommitHash) return "last commit hash does not match";
        }
        return "";
    }

    public void Encode(CanonicalWriter w)
    {
        Header.Encode(w);
        w.WriteCount(Transactions.Count);
        foreach (var tx in Transactions) tx.Encode(w);
        w.WriteBool(LastCommit is not null);
        LastCommit?.Encode(w);
        w.WriteCount(Evidence.Count);
        foreach (var e in Evidence) e.Encode(w);
    }

    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(1024);
        Encode(w);
        return w.ToArray();
    }

    public static Block Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > Limits.BlockBytesMax) throw new CodecException($"block exceeds {Limits.BlockBytesMax} bytes");
        var r = new CanonicalReader(bytes);
        var header = BlockHeader.Decode(ref r);
        int txCount = r.ReadCount(Limits.BlockTxsMax, 4, "transactions");
        var txs = new Transaction[txCount];
        for (int i = 0; i < txCount; i++) txs[i] = Transaction.Decode(ref r);
        var lastCommit = r.ReadBool("has last commit") ? Commit.Decode(ref r) : null;
        int evidenceCount = r.ReadCount(Limits.BlockEvidenceMax, 2 * Vote.EncodedSize, "evidence");
        var evidence = new DuplicateVoteEvidence[evidenceCount];
        for (int i = 0; i < evidenceCount; i++) evidence[i] = DuplicateVoteEvidence.Decode(ref r);
        r.End("block");
        return new Block(header, txs, lastCommit, evidence);
    }
}
