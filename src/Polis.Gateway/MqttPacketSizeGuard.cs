namespace Polis.Gateway;

/// <summary>
/// A device connection's byte stream, read through an MQTT framing check: every packet's fixed
/// header (a type byte, then its remaining length in one to four base-128 bytes) is read as it
/// passes, and a packet announcing more than <c>packetBytesMax</c> bytes ends the connection
/// before any of its body is read. MQTTnet's broker would otherwise buffer whatever a client
/// announces (MQTT allows 256 MB a packet) before the gateway's own bounds apply; three connections
/// each sending 100 MB grew the node by 300 MB.
/// <para>
/// Under MQTT 5 the client is told the bound and why it is cut off: the broker's CONNACK gains the
/// Maximum Packet Size property on its way out (MQTTnet's server has no option for it), and an
/// oversized packet gets a DISCONNECT with reason 0x95 (packet too large) before the connection
/// closes (best effort: only when no write of the broker's is under way, which keeps it from landing
/// between two of them; MQTTnet may write one packet in two writes, so it can still follow a header
/// whose payload never comes, on a connection that is closing anyway).
/// </para>
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
    /// <summary>The CONNECT's protocol level (5: MQTT 5), read from its variable header as it passes; 0 until then.</summary>
    private int _protocolLevel;
    private long _firstBodyRead;
    private int _protocolNameLength;
    private bool _connAckWritten;
    private readonly SemaphoreSlim _writes = new(1, 1);

    /// <summary>MQTT 5 DISCONNECT, reason code 0x95 (packet too large), no properties.</summary>
    private static readonly byte[] DisconnectPacketTooLarge = [0xE0, 0x02, 0x95, 0x00];

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
                    if (_length > bound)
                    {
                        if (_protocolLevel == 5) TellTooLarge();
                        throw new IOException($"MQTT packet of {_length} bytes; this gateway takes at most {bound}{(bound < packetBytesMax ? " before a client has connected" : "")}");
                    }
                    (_part, _bodyLeft) = _length == 0 ? (Part.Type, 0) : (Part.Body, _length);
                    if (_length == 0) _first = false;
                    break;
                default:
                    int skip = (int)Math.Min(_bodyLeft, bytes.Length - i);
                    if (_first) ReadConnectHeader(bytes.Slice(i, skip));
                    i += skip;
                    _bodyLeft -= skip;
                    if (_bodyLeft == 0)
                    {
                        _part = Part.Type;
                        _first = false;
                    }
                    break;
            }
        }
        return bytes.Length;
    }

    /// <summary>The CONNECT's variable header begins with the protocol name (u16 length, bytes), then the protocol level.</summary>
    private void ReadConnectHeader(ReadOnlySpan<byte> body)
    {
        foreach (byte b in body)
        {
            if (_firstBodyRead == 0) _protocolNameLength = b << 8;
            else if (_firstBodyRead == 1) _protocolNameLength |= b;
            else if (_firstBodyRead == 2 + _protocolNameLength) _protocolLevel = b;
            _firstBodyRead++;
            if (_firstBodyRead > 2 + _protocolNameLength) return;
        }
    }

    /// <summary>
    /// Best effort, never blocking the reader: only when no other write is under way, and for at most
    /// 200 ms (a client that stopped reading must not hold a thread; the connection closes anyway).
    /// </summary>
    private void TellTooLarge()
    {
        if (!_writes.Wait(0)) return;
        try
        {
            inner.WriteAsync(DisconnectPacketTooLarge).AsTask().Wait(TimeSpan.FromMilliseconds(200));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or AggregateException) { } // closing anyway
        finally
        {
            _writes.Release();
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _writes.Wait();
        try
        {
            if (WithMaximumPacketSize(buffer) is { } connAck) inner.Write(connAck);
            else inner.Write(buffer);
        }
        finally { _writes.Release(); }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try { await inner.WriteAsync(WithMaximumPacketSize(buffer.Span) ?? buffer, cancellationToken).ConfigureAwait(false); }
        finally { _writes.Release(); }
    }

    /// <summary>
    /// The broker's first packet to an MQTT 5 client, its CONNACK, with the Maximum Packet Size
    /// property (0x27, four bytes) added at the head of its properties; any other write as it is.
    /// A CONNACK split over writes, or one that may carry the property already, passes untouched.
    /// Null: write the buffer as it is (every write but the first).
    /// </summary>
    private byte[]? WithMaximumPacketSize(ReadOnlySpan<byte> buffer)
    {
        if (_connAckWritten || buffer.Length == 0) return null;
        _connAckWritten = true;
        if (_protocolLevel != 5 || buffer[0] != 0x20 || !TryVarInt(buffer[1..], out int remaining, out int remainingBytes)) return null;
        int header = 1 + remainingBytes;
        if (buffer.Length < header + remaining || remaining < 3) return null;
        var body = buffer.Slice(header, remaining);
        if (!TryVarInt(body[2..], out int propertiesLength, out int propertiesBytes) || 2 + propertiesBytes + propertiesLength != remaining) return null;
        var properties = body.Slice(2 + propertiesBytes, propertiesLength);
        if (properties.Contains((byte)0x27)) return null; // maybe there already (or a value byte): never two
        Span<byte> property = [0x27, (byte)(packetBytesMax >> 24), (byte)(packetBytesMax >> 16), (byte)(packetBytesMax >> 8), (byte)packetBytesMax];
        var newProperties = VarInt(propertiesLength + property.Length);
        var newRemaining = VarInt(2 + newProperties.Length + propertiesLength + property.Length);
        var packet = new List<byte>(buffer.Length + 8) { 0x20 };
        packet.AddRange(newRemaining);
        packet.Add(body[0]);
        packet.Add(body[1]);
        packet.AddRange(newProperties);
        packet.AddRange(property.ToArray());
        packet.AddRange(properties.ToArray());
        packet.AddRange(buffer[(header + remaining)..].ToArray()); // whatever followed in the same write
        return packet.ToArray();
    }

    private static bool TryVarInt(ReadOnlySpan<byte> bytes, out int value, out int length)
    {
        (value, length) = (0, 0);
        int multiplier = 1;
        while (length < 4 && length < bytes.Length)
        {
            byte b = bytes[length++];
            value += (b & 0x7F) * multiplier;
            if ((b & 0x80) == 0) return true;
            multiplier *= 128;
        }
        return false;
    }

    private static byte[] VarInt(int value)
    {
        var bytes = new List<byte>(4);
        do
        {
            byte b = (byte)(value % 128);
            value /= 128;
            if (value > 0) b |= 0x80;
            bytes.Add(b);
        } while (value > 0);
        return [.. bytes];
    }
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
