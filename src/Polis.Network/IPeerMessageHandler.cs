namespace Polis.Network;

/// <summary>The consumer of a <see cref="P2PHost"/>: receives frames and link events.</summary>
public interface IPeerMessageHandler
{
    /// <summary>
    /// Called on the peer's reader task, one frame at a time per peer (frames of different peers
    /// may arrive concurrently). <paramref name="payload"/> is valid only during the call: copy it
    /// to keep it. While this call runs, no further frame of that peer is read, so a slow handler
    /// pushes back on that peer through TCP. Throwing <see cref="Polis.Core.Encoding.CodecException"/>
    /// or <see cref="ProtocolViolationException"/> disconnects the peer as malformed; any other
    /// exception disconnects it as <see cref="DisconnectReason.HandlerError"/>. The host carries on.
    /// </summary>
    void OnMessage(Peer peer, Channel channel, ReadOnlySpan<byte> payload);

    /// <summary>Called once per authenticated link, before its first <see cref="OnMessage"/>.</summary>
    void OnPeerConnected(Peer peer);

    /// <summary>
    /// Called exactly once for every peer that got <see cref="OnPeerConnected"/>, after its last
    /// <see cref="OnMessage"/>. When a duplicate link replaces an older one to the same key, the
    /// older one's disconnect is reported before the newer one's connect.
    /// </summary>
    void OnPeerDisconnected(Peer peer);
}
