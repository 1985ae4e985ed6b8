using CsCheck;
using Polis.Core.Crypto;

namespace Polis.Core.Tests;

/// <summary>Private bills: the tariff-weighted sum of interval commitments opens to the honest total and to nothing else.</summary>
public sealed class PedersenCommitmentTests
{
    [Fact]
    public void An_honest_bill_verifies_and_a_total_off_by_one_or_a_changed_commitment_does_not()
    {
        var gen = Gen.Select(Gen.ULong[0, 100_000].Array[1, 40], Gen.ULong[0, 1_000].Array[40]);
        gen.Sample((values, tariffs) =>
        {
            var t = tariffs.Take(values.Length).ToArray();
            var intervals = values.Select(v => (Value: v, Blinding: PedersenCommitment.RandomBlinding())).ToList();
            var commitments = intervals.Select(i => PedersenCommitment.Commit(i.Value, i.Blinding)).ToList();
            var (total, blinding) = PedersenCommitment.OpenBill(intervals, t);
            Assert.Equal(values.Zip(t, (v, x) => v * x).Aggregate(0UL, (a, b) => a + b), total);
            if (t.All(x => x == 0)) return; // nothing to bill
            Assert.True(PedersenCommitment.VerifyBill(commitments, t, total, blinding));
            Assert.False(PedersenCommitment.VerifyBill(commitments, t, total + 1, blinding)); // off by one unit
            if (total > 0) Assert.False(PedersenCommitment.VerifyBill(commitments, t, total - 1, blinding));
            int weighted = Array.FindIndex(t, x => x != 0);
            var changed = commitments.ToList();
            changed[weighted] = PedersenCommitment.Commit(values[weighted] + 1, intervals[weighted].Blinding);
            Assert.False(PedersenCommitment.VerifyBill(changed, t, total, blinding));
        }, iter: 40);
    }

    [Fact]
    public void A_commitment_hides_its_value_and_bad_input_is_refused()
    {
        var r1 = PedersenCommitment.RandomBlinding();
        var r2 = PedersenCommitment.RandomBlinding();
        Assert.NotEqual(PedersenCommitment.Commit(42, r1), PedersenCommitment.Commit(42, r2)); // same value, unrelated commitments
        Assert.False(PedersenCommitment.VerifyBill([new byte[31]], [1], 0, r1));
        Assert.False(PedersenCommitment.VerifyBill([Enumerable.Repeat((byte)0xFF, 32).ToArray()], [1], 0, r1)); // not a point
        Assert.False(PedersenCommitment.VerifyBill([PedersenCommitment.Commit(1, r1)], [1, 2], 1, r1));
        Assert.Throws<OverflowException>(() => PedersenCommitment.OpenBill([(ulong.MaxValue, r1)], [2]));
    }

    [Fact]
    public void The_generators_are_fixed_and_distinct()
    {
        // Pinned: ristretto255_from_hash(SHA-512("polis/pedersen/v1/G")) and ".../H".
        Assert.Equal(GeneratorG, Convert.ToHexStringLower(PedersenCommitment.GeneratorG));
        Assert.Equal(GeneratorH, Convert.ToHexStringLower(PedersenCommitment.GeneratorH));
        Assert.NotEqual(GeneratorG, GeneratorH);
    }

    private const string GeneratorG = "26f16b628d7723542571c4fe5b63270cb0da2dbae137720304f0bf4d8c66712e";
    private const string GeneratorH = "d01f28c529d13547106b9790b4a037a9e1faf1fa2c03ccf2175a369f8d32a515";
}
