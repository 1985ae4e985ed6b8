namespace Polis.Network.Framing;

/// <summary>
/// Wire layout of every frame: [u32 big-endian payload length][u8 channel][payload]. The length
/// counts the payload only, so it can be checked against the limit before anything is allocated.
/// </summary>
internal static class FrameFormat
{
    public const int HeaderBytes = 5;

    /// <summary>Reader and writer buffers: many small frames per system call, and per TLS record.</summary>
    public const int BufferBytes = 64 * 1024;
}
