namespace Polis.Network;

/// <summary>
/// The logical stream a frame belongs to. Each channel has its own send queue per peer, so a flood
/// of transactions can never delay a vote.
/// </summary>
public enum Channel : byte
{
    Consensus = 1,
    Transactions = 2,
    Sync = 3,
}

/// <summary>Channel numbering and the writer's drain order.</summary>
internal static class Channels
{
    public const int Count = 3;

    /// <summary>Byte value of the handshake frame: never valid once a link is authenticated.</summary>
    public const byte Handshake = 0;

    /// <summary>
    /// Consensus first (liveness depends on votes arriving), then Sync (a lagging node catching up
    /// unblocks its votes), then Transactions (the mempool tolerates delay and drops).
    /// </summary>
    public static readonly Channel[] DrainOrder = [Channel.Consensus, Channel.Sync, Channel.Transactions];

    public static bool IsDefined(byte value) => value is >= 1 and <= Count;

    public static int Index(Channel channel) => (byte)channel - 1;
}
