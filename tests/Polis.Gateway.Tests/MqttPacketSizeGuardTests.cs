using Polis.Gateway;

namespace Polis.Gateway.Tests;

public sealed class MqttPacketSizeGuardTests
{
    private static byte[] Length(int n)
    {
        var bytes = new List<byte>();
        do
        {
            byte b = (byte)(n % 128);
            n /= 128;
            bytes.Add(n > 0 ? (byte)(b | 0x80) : b);
        } while (n > 0);
        return [.. bytes];
    }

    private static byte[] Packet(byte type, int bodyLength) => [type, .. Length(bodyLength), .. new byte[bodyLength]];

    /// <summary>Reads everything in chunks of <paramref name="chunk"/> bytes; the bytes that came through before any failure.</summary>
    private static (int Read, Exception? Failure) ReadAll(byte[] wire, int max, int chunk)
    {
        using var guard = new MqttPacketSizeGuard(new MemoryStream(wire), max);
        var buffer = new byte[chunk];
        int total = 0;
        try
        {
            int n;
            while ((n = guard.Read(buffer, 0, chunk)) > 0) total += n;
            return (total, null);
        }
        catch (IOException e)
        {
            return (total, e);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public void Packets_within_the_bound_pass_through_whatever_the_chunking(int chunk)
    {
        byte[] wire = [.. Packet(0x10, 20), .. Packet(0x32, 200), .. Packet(0xC0, 0), .. Packet(0x32, 16_383), .. Packet(0x32, 16_384)];
        var (read, failure) = ReadAll(wire, 16_384, chunk);
        Assert.Null(failure);
        Assert.Equal(wire.Length, read);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    public void A_packet_announcing_more_than_the_bound_ends_the_stream_before_its_body(int chunk)
    {
        byte[] small = Packet(0x32, 100);
        byte[] wire = [.. small, 0x32, .. Length(200_000_000), .. new byte[1000]];
        var (read, failure) = ReadAll(wire, 1_000_000, chunk);
        Assert.IsType<IOException>(failure);
        Assert.Contains("200000000 bytes", failure!.Message);
        // Nothing of the big packet's body was handed on (at most the chunk its header arrived in).
        Assert.True(read <= small.Length + Math.Max(chunk, 5) - 1, $"{read} bytes came through");
    }

    [Fact]
    public void A_length_of_more_than_four_bytes_is_refused()
    {
        var (_, failure) = ReadAll([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], int.MaxValue, 1);
        Assert.IsType<IOException>(failure);
    }

    /// <summary>Before a client has connected (its first packet, the CONNECT) it may announce only a small packet: idle unauthenticated sockets cannot each make the broker hold a full-size buffer.</summary>
    [Fact]
    public void The_first_packet_may_announce_only_a_connects_worth()
    {
        var (_, failure) = ReadAll(Packet(0x10, MqttPacketSizeGuard.FirstPacketBytesMax + 1), 1_000_000, 4096);
        Assert.IsType<IOException>(failure);
        Assert.Contains("before a client has connected", failure!.Message);
        byte[] wire = [.. Packet(0x10, MqttPacketSizeGuard.FirstPacketBytesMax), .. Packet(0x32, 100_000)];
        var (read, ok) = ReadAll(wire, 1_000_000, 4096);
        Assert.Null(ok);
        Assert.Equal(wire.Length, read);
    }
}
