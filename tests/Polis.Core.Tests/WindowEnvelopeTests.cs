using CsCheck;
using Polis.Core.Crypto;

namespace Polis.Core.Tests;

/// <summary>A window envelope opens only under its window's key and its associated data, and sealing is randomised.</summary>
public sealed class WindowEnvelopeTests
{
    private static readonly byte[] Root = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void It_opens_under_its_key_and_associated_data_only_and_any_changed_byte_fails()
    {
        Gen.Select(Gen.Byte.Array[0, 200], Gen.Byte.Array[0, 64], Gen.UInt, Gen.Int.NonNegative).Sample((plaintext, aad, window, flip) =>
        {
            var key = WindowKeyTree.WindowKey(Root, window);
            var envelope = WindowEnvelope.Seal(key, aad, plaintext);
            Assert.Equal(plaintext.Length + WindowEnvelope.OverheadBytes, envelope.Length);
            Assert.True(WindowEnvelope.TryOpen(key, aad, envelope, out var opened));
            Assert.Equal(plaintext, opened);
            var tampered = (byte[])envelope.Clone();
            tampered[flip % tampered.Length] ^= 0x01;
            Assert.False(WindowEnvelope.TryOpen(key, aad, tampered, out _));
            Assert.False(WindowEnvelope.TryOpen(WindowKeyTree.WindowKey(Root, window ^ 1), aad, envelope, out _)); // the next window's key
            Assert.False(WindowEnvelope.TryOpen(key, [.. aad, 0], envelope, out _)); // moved to another reading
        }, iter: 300);
    }

    [Fact]
    public void The_same_value_sealed_twice_gives_unrelated_envelopes_and_malformed_ones_are_refused()
    {
        var key = WindowKeyTree.WindowKey(Root, 7);
        byte[] value = [0, 0, 0, 42];
        var a = WindowEnvelope.Seal(key, [1], value);
        var b = WindowEnvelope.Seal(key, [1], value);
        Assert.NotEqual(a, b); // a guess of the value cannot be tested against an anchored envelope
        Assert.False(WindowEnvelope.TryOpen(key, [1], a.AsSpan(0, WindowEnvelope.OverheadBytes - 1), out _));
        Assert.False(WindowEnvelope.TryOpen(key, [1], new byte[WindowEnvelope.OverheadBytes + WindowEnvelope.PlaintextBytesMax + 1], out _));
        Assert.Throws<ArgumentException>(() => WindowEnvelope.Seal(key, [], new byte[WindowEnvelope.PlaintextBytesMax + 1]));
        Assert.Throws<ArgumentException>(() => WindowEnvelope.Seal(new byte[16], [], value));
    }
}
