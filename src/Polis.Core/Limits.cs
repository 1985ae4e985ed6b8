namespace Polis.Core;

/// <summary>Every protocol limit in one place, unit last. Decoders enforce them before allocating.</summary>
public static class Limits
{
    public const int ChainIdBytesMax = 50;
    public const int TxBodyBytesMax = 64 * 1024;
    public const int TxBytesMax = TxBodyBytesMax + 256;
    public const int BlockTxsMax = 10_000;
    public const int BlockBytesMax = 8 * 1024 * 1024;
    public const int BlockEvidenceMax = 100;
    /// <summary>Evidence older than this many heights is no longer accepted in a block (CometBFT's MaxAgeNumBlocks default).</summary>
    public const ulong EvidenceMaxAgeHeights = 100_000;
    public const int ValidatorsMax = 1_000;
    /// <summary>Keeps 3 × total power far from overflow.</summary>
    public const ulong TotalVotingPowerMax = 1UL << 60;
    public const int MerkleProofDepthMax = 64;
}
