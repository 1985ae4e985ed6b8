namespace Polis.Network;

/// <summary>Why a link was closed. Every closed connection is counted under exactly one reason.</summary>
public enum DisconnectReason
{
    /// <summary>An unknown channel, undecodable bytes, or a protocol violation reported by the handler.</summary>
    Malformed,
    /// <summary>A frame longer than <see cref="P2POptions.FrameBytesMax"/>.</summary>
    Oversized,
    /// <summary>The TLS handshake or the Hello exchange failed or timed out.</summary>
    Unauthenticated,
    /// <summary>A read or write failed, or the stream ended in the middle of a frame.</summary>
    Io,
    /// <summary>Another link to the same node key was kept instead.</summary>
    Duplicate,
    /// <summary>The remote side closed the link cleanly between frames.</summary>
    RemoteClosed,
    /// <summary>This side closed it: <see cref="Peer.Disconnect"/> or host shutdown.</summary>
    Local,
    /// <summary>The handler threw an unexpected exception: a local bug, not the peer's fault.</summary>
    HandlerError,
    /// <summary>Authenticated, but the node already has <see cref="P2POptions.OtherPeersMax"/> peers that are not pinned persistent peers.</summary>
    PeerLimit,
}

internal static class DisconnectReasons
{
    public static readonly DisconnectReason[] All = Enum.GetValues<DisconnectReason>();

    /// <summary>Stable snake_case names: these are the label values the node exports.</summary>
    public static string Name(this DisconnectReason reason) => reason switch
    {
        DisconnectReason.Malformed => "malformed",
        DisconnectReason.Oversized => "oversized",
        DisconnectReason.Unauthenticated => "unauthenticated",
        DisconnectReason.Io => "io",
        DisconnectReason.Duplicate => "duplicate",
        DisconnectReason.RemoteClosed => "remote_closed",
        DisconnectReason.Local => "local",
        DisconnectReason.HandlerError => "handler_error",
        DisconnectReason.PeerLimit => "peer_limit",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };
}
