using CsCheck;
using Polis.Modules.Devices;
using Polis.Client.Light;
using Polis.Testing;

namespace Polis.Modules.Devices.Tests;

/// <summary>No byte of a proof is merely informative: changing any of them, or handing in garbage, fails verification without an exception.</summary>
public sealed class ProofTamperingTests
{
    // Every single-bit flip and the whole-byte flip: a leaf count of 5 becomes 7 (same path shape) only under 0x02.
    [Theory]
    [InlineData(0x01)]
    [InlineData(0x02)]
    [InlineData(0x04)]
    [InlineData(0x08)]
    [InlineData(0x10)]
    [InlineData(0x20)]
    [InlineData(0x40)]
    [InlineData(0x80)]
    [InlineData(0xFF)]
    public void Changing_any_single_byte_of_a_proof_makes_it_fail(int mask)
    {
        var s = new Scenario();
        var bytes = s.Proof.ToBytes();
        Assert.True(s.Client.VerifyReading(bytes).IsValid);
        var accepted = new List<int>();
        for (int offset = 0; offset < bytes.Length; offset++)
        {
            var tampered = (byte[])bytes.Clone();
            tampered[offset] ^= (byte)mask;
            if (s.Client.VerifyReading(tampered).IsValid) accepted.Add(offset);
        }
        Assert.True(accepted.Count == 0, $"{accepted.Count} of {bytes.Length} single-byte changes still verify, at offsets {string.Join(", ", accepted)}");
    }

    [Fact]
    public void Each_kind_of_tampering_is_caught_by_the_check_that_owns_it()
    {
        var s = new Scenario();
        var p = s.Proof;
        var other = s.City.Prove(s.Anchored, 0);
        Assert.Equal(ReadingCheck.BatchPath, Verify(s, p.With(reading: other.Reading)));
        Assert.Equal(ReadingCheck.DeviceRecord, Verify(s, p.With(deviceRecord: other.DeviceRecord, deviceRecordProof: other.DeviceRecordProof)));
        Assert.Equal(ReadingCheck.AnchorRecord, Verify(s, p.With(anchorRecord: p.DeviceRecord, anchorRecordProof: p.DeviceRecordProof)));
        Assert.Equal(ReadingCheck.Commit, Verify(s, p.With(header: p.Header with { TimeMs = p.Header.TimeMs + 1 })));
    }

    [Fact]
    public void Every_truncation_of_a_proof_is_a_document_failure()
    {
        var s = new Scenario();
        var bytes = s.Proof.ToBytes();
        for (int length = 0; length < bytes.Length; length++)
            Assert.Equal(ReadingCheck.Document, s.Client.VerifyReading(bytes.AsSpan(0, length)).FailedCheck);
        var longer = new byte[bytes.Length + 1];
        bytes.CopyTo(longer, 0);
        Assert.Equal(ReadingCheck.Document, s.Client.VerifyReading(longer).FailedCheck);
    }

    [Fact]
    public void Random_garbage_is_rejected_without_an_exception()
    {
        var client = LightClients.Trusting(TestCity.MakeGenesis());
        Gen.Byte.Array[0, 3000].Sample(bytes => !client.VerifyReading(bytes).IsValid, iter: 500);
        // Behind a valid magic the decoder has to walk into the garbage.
        Gen.Byte.Array[0, 3000].Sample(bytes => !client.VerifyReading([.. ReadingProof.Magic, .. bytes]).IsValid, iter: 500);
        Assert.Equal(ReadingCheck.Document, client.VerifyReading(new byte[ReadingProof.EncodedBytesMax + 1]).FailedCheck);
    }

    [Fact]
    public void Random_changes_to_several_bytes_never_verify()
    {
        var s = new Scenario();
        var bytes = s.Proof.ToBytes();
        Gen.Select(Gen.Int[0, bytes.Length - 1].Array[1, 6], Gen.Byte[1, 255]).Sample((offsets, mask) =>
        {
            var tampered = (byte[])bytes.Clone();
            foreach (int o in offsets.Distinct()) tampered[o] ^= mask;
            return !s.Client.VerifyReading(tampered).IsValid;
        }, iter: 300);
    }

    private static ReadingCheck Verify(Scenario s, ReadingProof proof) => s.Client.VerifyReading(proof).FailedCheck;
}
