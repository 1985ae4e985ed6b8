using System.Buffers;

namespace Polis.Network.Framing;

/// <summary>
/// One received frame. Its payload either points into the reader's buffer (valid until the next
/// read) or into an array rented for a frame larger than that buffer; <see cref="Release"/> gives
/// the rented array back.
/// </summary>
internal readonly struct InboundFrame(byte channel, byte[] array, int offset, int length, bool rented)
{
    public byte Channel { get; } = channel;
    public int Length => length;
    public ReadOnlySpan<byte> Payload => array.AsSpan(offset, length);

    public void Release()
    {
        if (rented) ArrayPool<byte>.Shared.Return(array);
    }
}
