namespace Polis.Network;

/// <summary>
/// Thrown by an <see cref="IPeerMessageHandler"/> when a peer sent something well-formed but not
/// allowed (wrong message for the channel, out-of-protocol request). The host drops that peer and
/// counts it as malformed; other peers are unaffected.
/// </summary>
public sealed class ProtocolViolationException(string reason) : Exception(reason);
