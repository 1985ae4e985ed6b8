namespace Polis.Network.Framing;

/// <summary>The peer broke the framing rules; carries the reason its link is closed with.</summary>
internal sealed class FrameException(DisconnectReason reason, string message) : Exception(message)
{
    public DisconnectReason Reason { get; } = reason;
}
