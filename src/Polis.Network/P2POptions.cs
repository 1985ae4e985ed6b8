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

    /// <summary>Deadline for TCP connect, and separately for TLS plus the Hello exchange.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan ReconnectMin { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan ReconnectMax { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Inbound connections allowed to be in their handshake at once. Past it new ones are closed at
    /// once, so a flood of idle sockets costs at most this many handshake slots.
    /// </summary>
    public int InboundHandshakesMax { get; init; } = 64;

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
        if (InboundHandshakesMax < 1)
            throw new ArgumentOutOfRangeException(nameof(InboundHandshakesMax), InboundHandshakesMax, "must be at least 1");
        if (HandshakeTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(HandshakeTimeout), HandshakeTimeout, "must be positive");
        if (ReconnectMin <= TimeSpan.Zero || ReconnectMax < ReconnectMin)
            throw new ArgumentOutOfRangeException(nameof(ReconnectMax), ReconnectMax, "need 0 < ReconnectMin <= ReconnectMax");
    }
}
