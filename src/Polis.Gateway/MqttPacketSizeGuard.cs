namespace Polis.Gateway;

/// <summary>
/// A device connection's byte stream, read through an MQTT framing check: every packet's fixed
/// header (a type byte, then its remaining length in one to four base-128 bytes) is read as it
/// passes, and a packet announcing more than <c>packetBytesMax</c> bytes ends the connection
/// before any of its body is read. MQTTnet's broker would otherwise buffer whatever a client
/// announces (MQTT allows 256 MB a packet) before the gateway's own bounds apply; three connections
/// each sending 100 MB grew the node by 300 MB. Writes pass through untouched.
/// </summary>
public sealed class MqttPacketSizeGuard(Stream inner, int packetBytesMax) : Stream
{
    private enum Part { Type, Length, Body }

    /// <summary>
    /// The first packet (CONNECT: ids, user name, a signed password) is small; before the client has
    /// proven a key it may announce no more than this, so idle unauthenticated connections cannot each
    /// make the broker hold a full-size buffer.
    /// </summary>
    public const int FirstPacketBytesMax = 4 * 1024;

    private bool _first = true;

    private Part _part = Part.Type;
    private int _lengthBytes;
    private long _length, _multiplier;
    private long _bodyLeft;

    public override int Read(byte[] buffer, int offset, int count) => Check(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override int Read(Span<byte> buffer) => Check(buffer[..inner.Read(buffer)]);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Check(buffer.Span[..read]);
    }

    /// <summary>Follows the framing through the bytes just read; throws (so the connection closes) on an oversized or malformed header.</summary>
    private int Check(ReadOnlySpan<byte> bytes)
    {
        for (int i = 0; i < bytes.Length;)
        {
            switch (_part)
            {
                case Part.Type:
                    (_part, _lengthBytes, _length, _multiplier) = (Part.Length, 0, 0, 1);
                    i++;
                    break;
                case Part.Length:
                    byte b = bytes[i++];
                    _length += (b & 0x7F) * _multiplier;
                    _multiplier *= 128;
                    if (++_lengthBytes == 4 && (b & 0x80) != 0) throw new IOException("MQTT packet length longer than four bytes");
                    if ((b & 0x80) != 0) break;
                    long bound = _first ? Math.Min(FirstPacketBytesMax, packetBytesMax) : packetBytesMax;
                    _first = false;
                    if (_length > bound) throw new IOException($"MQTT packet of {_length} bytes; this gateway takes at most {bound}{(bound < packetBytesMax ? " before a client has connected" : "")}");
                    (_part, _bodyLeft) = _length == 0 ? (Part.Type, 0) : (Part.Body, _length);
                    break;
                default:
                    int skip = (int)Math.Min(_bodyLeft, bytes.Length - i);
                    i += skip;
                    _bodyLeft -= skip;
                    if (_bodyLeft == 0) _part = Part.Type;
                    break;
            }
        }
        return bytes.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
