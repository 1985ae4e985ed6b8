using System.Net;
using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Network;

/// <summary>Configuration of a <see cref="P2PHost"/>. Checked once by the host's constructor.</summary>
public sealed class P2POptions
{
    /// <summary>Peers on another chain are refused at the handshake.</summary>
    public required string ChainId { get; init; }

    /// <summary>The node's Ed25519 identity; peers know and pin it by its public key.</summary>
    public required KeyPair NodeKey { get; init; }

    /// <summary>Bound exactly as given. Port 0 picks a free port: read it from <see cref="P2PHost.ListenPort"/>.</summary>
    public required IPEndPoint Listen { get; init; }

    /// <summary>Dialed at start and re-dialed after every disconnect.</summary>
    public IReadOnlyList<PeerAddress> PersistentPeers { get; init; } = [];

    /// <summary>Largest payload accepted or sent in one frame.</summary>
    public int FrameBytesMax { get; init; } = 8 * 1024 * 1024;

    /// <summary>Frames queued per peer per channel before <see cref="Peer.Send"/> returns false.</summary>
    public int SendQueueFramesMax { get; init; } = 4096;

    /// <summary>
    /// Bytes queued per peer per channel before <see cref="Peer.Send"/> returns false: what a peer
    /// that stops reading can pin, per channel (a single frame larger than this still goes alone).
    /// </summary>
    public long SendQueueBytesMax { get; init; } = 32L * 1024 * 1024;

    /// <summary>Deadline for TCP connect, and separately for TLS plus the Hello exchange.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan ReconnectMin { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan ReconnectMax { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Inbound connections allowed to be in their handshake at once. Past it new ones are closed at
    /// once, so a flood of idle sockets costs at most this many handshake slots.
    /// </summary>
    public int InboundHandshakesMax { get; init; } = 64;

    /// <summary>Of <see cref="InboundHandshakesMax"/>, how many one source address may hold: one host cannot take them all (a bound above <see cref="InboundHandshakesMax"/> is that bound).</summary>
    public int InboundHandshakesPerAddressMax { get; init; } = 4;

    /// <summary>
    /// Handshake slots apart from <see cref="InboundHandshakesMax"/>, only for connections from the
    /// addresses of <see cref="PersistentPeers"/> (the validators an operator configures): sockets
    /// from other addresses, however many, cannot keep them out.
    /// </summary>
    public int ReservedHandshakesMax { get; init; } = 16;

    /// <summary>
    /// Connected peers other than the persistent peers with a pinned key, which always have room.
    /// Past it a new such peer is closed after its handshake (<see cref="DisconnectReason.PeerLimit"/>).
    /// </summary>
    public int OtherPeersMax { get; init; } = 40;

    /// <summary>Optional sink for one-line diagnostics (handshake failures, disconnects, dial errors).</summary>
    public Action<string>? Log { get; init; }

    internal void Validate()
    {
        Polis.Core.Ledger.ChainId.Check(ChainId);
        ArgumentNullException.ThrowIfNull(NodeKey);
        ArgumentNullException.ThrowIfNull(Listen);
        ArgumentNullException.ThrowIfNull(PersistentPeers);
        // 5 header bytes must still fit an int-sized frame.
        if (FrameBytesMax < 1 || FrameBytesMax > int.MaxValue - 64)
            throw new ArgumentOutOfRangeException(nameof(FrameBytesMax), FrameBytesMax, "must be between 1 and int.MaxValue - 64");
        if (SendQueueFramesMax < 1)
            throw new ArgumentOutOfRangeException(nameof(SendQueueFramesMax), SendQueueFramesMax, "must be at least 1");
        if (SendQueueBytesMax < 1)
            throw new ArgumentOutOfRangeException(nameof(SendQueueBytesMax), SendQueueBytesMax, "must be at least 1");
        if (InboundHandshakesMax < 1)
            throw new ArgumentOutOfRangeException(nameof(InboundHandshakesMax), InboundHandshakesMax, "must be at least 1");
        if (InboundHandshakesPerAddressMax < 1)
            throw new ArgumentOutOfRangeException(nameof(InboundHandshakesPerAddressMax), InboundHandshakesPerAddressMax, "must be at least 1");
        if (ReservedHandshakesMax < 0)
            throw new ArgumentOutOfRangeException(nameof(ReservedHandshakesMax), ReservedHandshakesMax, "must not be negative");
        if (OtherPeersMax < 0)
            throw new ArgumentOutOfRangeException(nameof(OtherPeersMax), OtherPeersMax, "must not be negative");
        if (HandshakeTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(HandshakeTimeout), HandshakeTimeout, "must be positive");
        if (ReconnectMin <= TimeSpan.Zero || ReconnectMax < ReconnectMin)
            throw new ArgumentOutOfRangeException(nameof(ReconnectMax), ReconnectMax, "need 0 < ReconnectMin <= ReconnectMax");
    }
}
