using System.Buffers.Binary;

namespace Polis.Network.Framing;

/// <summary>
/// Collects frames in one 64 KiB buffer and writes it out only when full or when flushed, so many
/// small messages share one TLS record and one system call (unbuffered writes cost ~15×).
/// Not thread-safe: one writer task per peer owns it.
/// </summary>
internal sealed class FrameWriter(Stream stream, int bufferSize = FrameFormat.BufferBytes)
{
    private readonly byte[] _buffer = new byte[Math.Max(bufferSize, FrameFormat.HeaderBytes)];
    private int _used;

    /// <summary>Frames and bytes written since the last <see cref="FlushAsync"/>: metrics are added per flush.</summary>
    public long PendingFrames { get; private set; }
    public long PendingBytes { get; private set; }

    public ValueTask WriteAsync(byte channel, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        int total = FrameFormat.HeaderBytes + payload.Length;
        PendingFrames++;
        PendingBytes += total;
        if (total <= _buffer.Length - _used)
        {
            // The common case completes synchronously: no state machine, no allocation.
            WriteHeader(channel, payload.Length);
            payload.Span.CopyTo(_buffer.AsSpan(_used));
            _used += payload.Length;
            return ValueTask.CompletedTask;
        }
        return WriteSlowAsync(channel, payload, ct);
    }

    private async ValueTask WriteSlowAsync(byte channel, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        int total = FrameFormat.HeaderBytes + payload.Length;
        if (_used > 0 && total > _buffer.Length - _used) await DrainAsync(ct).ConfigureAwait(false);
        WriteHeader(channel, payload.Length);
        if (payload.Length <= _buffer.Length - _used)
        {
            payload.Span.CopyTo(_buffer.AsSpan(_used));
            _used += payload.Length;
            return;
        }
        // Larger than the buffer: send the header, then the payload without copying it.
        await DrainAsync(ct).ConfigureAwait(false);
        await stream.WriteAsync(payload, ct).ConfigureAwait(false);
    }

    public async ValueTask FlushAsync(CancellationToken ct)
    {
        await DrainAsync(ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
        PendingFrames = 0;
        PendingBytes = 0;
    }

    private void WriteHeader(byte channel, int length)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_used), (uint)length);
        _buffer[_used + 4] = channel;
        _used += FrameFormat.HeaderBytes;
    }

    private async ValueTask DrainAsync(CancellationToken ct)
    {
        if (_used == 0) return;
        await stream.WriteAsync(_buffer.AsMemory(0, _used), ct).ConfigureAwait(false);
        _used = 0;
    }
}
