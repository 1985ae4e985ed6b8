using System.Buffers.Binary;
using Polis.Network.Framing;

namespace Polis.Network.Tests;

public class FramingTests
{
    private static byte[] Frame(byte channel, byte[] payload)
    {
        var frame = new byte[FrameFormat.HeaderBytes + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)payload.Length);
        frame[4] = channel;
        payload.CopyTo(frame, FrameFormat.HeaderBytes);
        return frame;
    }

    /// <summary>Hands out at most one byte per read, to exercise reassembly across reads.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], ct);
    }

    [Fact]
    public async Task Writer_and_reader_round_trip_small_and_large_frames()
    {
        var small = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        var large = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7)).ToArray();
        var stream = new MemoryStream();
        var writer = new FrameWriter(stream);
        await writer.WriteAsync(1, small, default);
        await writer.WriteAsync(3, large, default);
        await writer.WriteAsync(2, Array.Empty<byte>(), default);
        Assert.Equal(3, writer.PendingFrames);
        await writer.FlushAsync(default);
        Assert.Equal(0, writer.PendingFrames);

        stream.Position = 0;
        var reader = new FrameReader(stream);
        var first = (await reader.ReadAsync(1 << 20, handshake: false, default))!.Value;
        Assert.Equal(1, first.Channel);
        Assert.Equal(small, first.Payload.ToArray());
        var second = (await reader.ReadAsync(1 << 20, handshake: false, default))!.Value;
        Assert.Equal(3, second.Channel);
        Assert.Equal(large, second.Payload.ToArray());
        second.Release();
        var third = (await reader.ReadAsync(1 << 20, handshake: false, default))!.Value;
        Assert.Equal(0, third.Length);
        Assert.Null(await reader.ReadAsync(1 << 20, handshake: false, default));
    }

    [Fact]
    public async Task Reader_reassembles_frames_split_across_reads()
    {
        var bytes = Frame(1, [1, 2, 3]).Concat(Frame(2, [4, 5])).ToArray();
        var reader = new FrameReader(new TrickleStream(bytes), bufferSize: 8);
        Assert.Equal([1, 2, 3], (await reader.ReadAsync(100, false, default))!.Value.Payload.ToArray());
        Assert.Equal([4, 5], (await reader.ReadAsync(100, false, default))!.Value.Payload.ToArray());
        Assert.Null(await reader.ReadAsync(100, false, default));
    }

    [Fact]
    public async Task Oversized_length_is_rejected_from_the_header_alone()
    {
        // Only the header exists: the reader must refuse before waiting for (or allocating) 4 GiB.
        var header = new byte[] { 0xFF, 0xFF, 0xFF, 0xF0, 1 };
        var reader = new FrameReader(new MemoryStream(header));
        var e = await Assert.ThrowsAsync<FrameException>(async () => await reader.ReadAsync(1024, false, default));
        Assert.Equal(DisconnectReason.Oversized, e.Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(255)]
    public async Task Unknown_channel_is_malformed(byte channel)
    {
        var reader = new FrameReader(new MemoryStream(Frame(channel, [1])));
        var e = await Assert.ThrowsAsync<FrameException>(async () => await reader.ReadAsync(1024, false, default));
        Assert.Equal(DisconnectReason.Malformed, e.Reason);
    }

    [Fact]
    public async Task Handshake_mode_accepts_only_channel_zero()
    {
        var ok = new FrameReader(new MemoryStream(Frame(0, [9])));
        Assert.Equal([9], (await ok.ReadAsync(16, handshake: true, default))!.Value.Payload.ToArray());
        var bad = new FrameReader(new MemoryStream(Frame(1, [9])));
        await Assert.ThrowsAsync<FrameException>(async () => await bad.ReadAsync(16, handshake: true, default));
    }

    [Fact]
    public async Task Stream_ending_inside_a_frame_is_an_io_error()
    {
        var truncated = Frame(1, [1, 2, 3, 4])[..7];
        var reader = new FrameReader(new MemoryStream(truncated));
        await Assert.ThrowsAsync<EndOfStreamException>(async () => await reader.ReadAsync(100, false, default));
        var headerOnlyPart = new FrameReader(new MemoryStream([0, 0]));
        await Assert.ThrowsAsync<EndOfStreamException>(async () => await headerOnlyPart.ReadAsync(100, false, default));
    }
}
