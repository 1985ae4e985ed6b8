namespace Polis.Network.Handshake;

/// <summary>The peer could not be authenticated; the connection is dropped before it becomes a link.</summary>
internal sealed class HandshakeException(string message, bool selfConnection = false) : Exception(message)
{
    /// <summary>We reached our own node: a dialer should stop trying that address.</summary>
    public bool SelfConnection { get; } = selfConnection;
}
