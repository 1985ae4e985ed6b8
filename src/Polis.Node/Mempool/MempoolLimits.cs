namespace Polis.Node.Mempool;

/// <summary>
/// The mempool's bounds, in all and per sender, in transactions and in bytes of their encodings.
/// The per-sender bounds keep one funded key from taking the pool: it pays for what it sends, but
/// fees alone would let a rich sender crowd out everyone until its transactions executed.
/// </summary>
public sealed record MempoolLimits(int TxsMax, long BytesMax, int SenderTxsMax = MempoolLimits.DefaultSenderTxsMax, long SenderBytesMax = MempoolLimits.DefaultSenderBytesMax)
{
    public const int DefaultSenderTxsMax = 1_000;
    public const long DefaultSenderBytesMax = 4L * 1024 * 1024;
    public const long DefaultBytesMax = 256L * 1024 * 1024;
}
