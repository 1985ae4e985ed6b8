using System.Buffers;
using System.Buffers.Binary;

namespace Polis.Network.Framing;

/// <summary>
/// Reads frames from hostile bytes through one 64 KiB buffer. The length is checked against the
/// caller's maximum and the channel byte against the allowed set before the payload is read or
/// any memory is allocated. A frame that fits the buffer is handed out in place; a larger one is
/// read into an array rented from <see cref="ArrayPool{T}"/>.
/// </summary>
internal sealed class FrameReader(Stream stream, int bufferSize = FrameFormat.BufferBytes)
{
    private readonly byte[] _buffer = new byte[Math.Max(bufferSize, FrameFormat.HeaderBytes)];
    private int _start;
    private int _end;

    private int Buffered => _end - _start;

    /// <summary>
    /// The next frame, or null when the stream ended cleanly between frames. Throws
    /// <see cref="FrameException"/> for an oversized frame or a channel outside
    /// <paramref name="handshake"/>'s set, and <see cref="EndOfStreamException"/> when the stream
    /// ends inside a frame.
    /// </summary>
    public async ValueTask<InboundFrame?> ReadAsync(int payloadMax, bool handshake, CancellationToken ct)
    {
        if (!await FillAsync(FrameFormat.HeaderBytes, ct).ConfigureAwait(false))
        {
            if (Buffered == 0) return null;
            throw new EndOfStreamException("stream ended inside a frame header");
        }

        uint length = BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(_start));
        byte channel = _buffer[_start + 4];
        if (length > (uint)payloadMax)
            throw new FrameException(DisconnectReason.Oversized, $"frame of {length} bytes exceeds the maximum of {payloadMax}");
        bool channelOk = handshake ? channel == Channels.Handshake : Channels.IsDefined(channel);
        if (!channelOk)
            throw new FrameException(DisconnectReason.Malformed, $"frame on unknown channel {channel}");
        _start += FrameFormat.HeaderBytes;

        int size = (int)length;
        if (size <= _buffer.Length)
        {
            if (!await FillAsync(size, ct).ConfigureAwait(false))
                throw new EndOfStreamException("stream ended inside a frame payload");
            var frame = new InboundFrame(channel, _buffer, _start, size, rented: false);
            _start += size;
            return frame;
        }

        // Larger than the buffer: copy what is buffered, read the rest straight into the rented array.
        byte[] rented = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            int have = Math.Min(Buffered, size);
            _buffer.AsSpan(_start, have).CopyTo(rented);
            _start += have;
            await stream.ReadExactlyAsync(rented.AsMemory(have, size - have), ct).ConfigureAwait(false);
            return new InboundFrame(channel, rented, 0, size, rented: true);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(rented);
            throw;
        }
    }

    /// <summary>Makes at least <paramref name="count"/> contiguous bytes available; false at end of stream.</summary>
    private async ValueTask<bool> FillAsync(int count, CancellationToken ct)
    {
        if (Buffered >= count) return true;
        if (_buffer.Length - _start < count)
        {
            // Not enough room after _start: move the partial frame to the front.
            _buffer.AsSpan(_start, Buffered).CopyTo(_buffer);
            _end = Buffered;
            _start = 0;
        }
        while (Buffered < count)
        {
            int read = await stream.ReadAsync(_buffer.AsMemory(_end), ct).ConfigureAwait(false);
            if (read == 0) return false;
            _end += read;
        }
        return true;
    }
}
