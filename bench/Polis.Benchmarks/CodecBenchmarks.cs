using BenchmarkDotNet.Attributes;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;
using Polis.Core.Merkle;

namespace Polis.Benchmarks;

/// <summary>The canonical codec and Merkle proofs on the shapes consensus and blocks use.</summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class CodecBenchmarks
{
    private Vote _vote = null!;
    private byte[] _voteBytes = null!;
    private Block _block = null!;
    private byte[] _blockBytes = null!;
    private Hash32[] _leaves = null!;
    private MerkleProof _proof = null!;
    private Hash32 _root;
    private readonly CanonicalWriter _writer = new(1 << 20);

    [GlobalSetup]
    public void Setup()
    {
        _vote = Vote.Create(Fixtures.ChainId, Fixtures.Senders[0], VoteType.Precommit, 10, 0, Sha256.Hash([1]));
        _voteBytes = _vote.ToBytes();
        var txs = Fixtures.Transfers();
        var header = new BlockHeader(Fixtures.ChainId, 1, 1, Hash32.Zero, Block.TransactionsRoot(txs), Hash32.Zero, Hash32.Zero,
            Fixtures.Senders[0].Address, Hash32.Zero, Block.EvidenceRootOf([]));
        _block = new Block(header, txs, null, []);
        _blockBytes = _block.ToBytes();
        _leaves = txs.Select(t => MerkleTree.LeafHash(t.Encoded)).ToArray();
        _root = MerkleTree.RootOfLeafHashes(_leaves);
        _proof = MerkleTree.Prove(_leaves, 517);
    }

    [Benchmark(Description = "vote encode")]
    public int VoteEncode()
    {
        _writer.Reset();
        _vote.Encode(_writer);
        return _writer.Length;
    }

    [Benchmark(Description = "vote decode")]
    public Vote VoteDecode() => Vote.Decode(_voteBytes);

    [Benchmark(Description = "block of 1,000 transfers: encode")]
    public int BlockEncode()
    {
        _writer.Reset();
        _block.Encode(_writer);
        return _writer.Length;
    }

    [Benchmark(Description = "block of 1,000 transfers: decode")]
    public Block BlockDecode() => Block.Decode(_blockBytes);

    [Benchmark(Description = "Merkle root of 1,000 leaf hashes")]
    public Hash32 MerkleRoot() => MerkleTree.RootOfLeafHashes(_leaves);

    [Benchmark(Description = "Merkle proof verify (1,000 leaves)")]
    public bool MerkleVerify() => _proof.VerifyLeafHash(_root, _leaves[517]);
}
