using CsCheck;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;

namespace Polis.Core.Tests;

/// <summary>Quorum arithmetic by voting power, and the weighted proposer schedule.</summary>
public class ValidatorSetTests
{
    private static ValidatorSet WithPowers(params ulong[] powers) =>
        new([.. powers.Select((p, i) => new Validator(KeyPair.FromLabel($"set-{i}").PublicKey, p))]);

    [Fact]
    public void With_four_equal_validators_three_are_a_quorum_and_two_are_not()
    {
        var set = WithPowers(1, 1, 1, 1);
        Assert.True(set.IsQuorum(3));
        Assert.False(set.IsQuorum(2));
        Assert.True(set.IsOneThird(2));
        Assert.False(set.IsOneThird(1));
    }

    [Fact]
    public void Exactly_two_thirds_is_not_a_quorum_and_exactly_one_third_is_not_one_third()
    {
        var set = WithPowers(1, 1, 1);
        Assert.False(set.IsQuorum(2));
        Assert.True(set.IsQuorum(3));
        Assert.False(set.IsOneThird(1));
        Assert.True(set.IsOneThird(2));
    }

    [Fact]
    public void Quorum_is_by_power_not_head_count()
    {
        var set = WithPowers(10, 1, 1, 1);
        Assert.Equal(13UL, set.TotalPower);
        Assert.True(set.IsQuorum(10));
        Assert.False(set.IsQuorum(3)); // three of four validators, but 3 of 13 power
        Assert.True(set.IsOneThird(10));
        Assert.False(set.IsOneThird(3));
        Assert.True(set.IsOneThird(5));
    }

    [Fact]
    public void Any_two_quorums_share_more_than_one_third_of_the_power()
    {
        // The safety argument of BFT consensus: two quorums overlap in at least one honest validator.
        Gen.Select(Gen.ULong[1, 1000].Array[1, 12], Gen.UInt, Gen.UInt).Sample((powers, maskA, maskB) =>
        {
            var set = WithPowers(powers);
            ulong a = PowerOf(powers, maskA), b = PowerOf(powers, maskB), both = PowerOf(powers, maskA & maskB);
            if (set.IsQuorum(a) && set.IsQuorum(b)) Assert.True(set.IsOneThird(both), $"{a} and {b} overlap in {both} of {set.TotalPower}");
        }, iter: 300);
    }

    [Fact]
    public void Proposer_schedule_with_equal_powers_is_round_robin()
    {
        for (int n = 1; n <= 7; n++)
        {
            var set = WithPowers([.. Enumerable.Repeat(5UL, n)]);
            for (ulong h = 1; h < 50; h++)
                Assert.Equal((IndexOfProposer(set, h, 0) + 1) % n, IndexOfProposer(set, h + 1, 0));
        }
    }

    [Fact]
    public void With_powers_3_and_1_validator_0_proposes_3_of_every_4_slots()
    {
        var set = WithPowers(3, 1);
        for (ulong start = 1; start < 40; start++)
        {
            int zero = 0;
            for (ulong h = start; h < start + 4; h++) if (IndexOfProposer(set, h, 0) == 0) zero++;
            Assert.Equal(3, zero);
        }
    }

    [Fact]
    public void Over_any_full_cycle_each_validator_proposes_in_proportion_to_its_power()
    {
        Gen.Select(Gen.ULong[1, 12].Array[1, 6], Gen.ULong[1, 1_000_000], Gen.ULong[1, 1000]).Sample((powers, start, scale) =>
        {
            var set = WithPowers([.. powers.Select(p => p * scale)]);
            ulong gcd = powers.Aggregate(0UL, Gcd);
            ulong cycle = 0;
            foreach (var p in powers) cycle += p / gcd;
            var counts = new ulong[powers.Length];
            for (ulong h = start; h < start + cycle; h++) counts[IndexOfProposer(set, h, 0)]++;
            for (int i = 0; i < powers.Length; i++) Assert.Equal(powers[i] / gcd, counts[i]);
        }, iter: 200);
    }

    [Fact]
    public void Next_round_has_the_proposer_of_the_next_slot()
    {
        var set = WithPowers(5, 3, 2, 1);
        for (ulong h = 1; h < 20; h++)
            for (int r = 0; r < 20; r++)
                Assert.Equal(IndexOfProposer(set, h + (ulong)r, 0), IndexOfProposer(set, h, r));
    }

    [Fact]
    public void A_tiny_validator_beside_a_huge_one_still_gets_proposer_slots()
    {
        var set = WithPowers(1UL << 40, 1);
        int tiny = 0;
        for (ulong h = 1; h <= 1 << 16; h++) if (IndexOfProposer(set, h, 0) == 1) tiny++;
        Assert.True(tiny >= 1);
        Assert.True(tiny <= 2);
    }

    [Fact]
    public void Schedule_is_the_same_for_the_same_validators()
    {
        var a = WithPowers(7, 3, 9, 1);
        var b = WithPowers(7, 3, 9, 1);
        for (ulong h = 1; h < 100; h++) Assert.Equal(IndexOfProposer(a, h, 0), IndexOfProposer(b, h, 0));
        Assert.Equal(a.Hash, b.Hash);
    }

    [Fact]
    public void Duplicate_validator_is_rejected()
    {
        var key = Build.Validator(0).PublicKey;
        Assert.Throws<ArgumentException>(() => new ValidatorSet([new Validator(key, 1), new Validator(Build.Validator(1).PublicKey, 1), new Validator(key, 2)]));
    }

    [Fact]
    public void Zero_power_empty_set_and_too_many_validators_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => WithPowers(1, 0, 1));
        Assert.Throws<ArgumentException>(() => new ValidatorSet([]));
        var many = Enumerable.Range(0, Limits.ValidatorsMax + 1)
            .Select(i => new Validator(PublicKey.FromBytes(Sha256.Hash(BitConverter.GetBytes(i)).ToArray()), 1)).ToArray();
        Assert.Throws<ArgumentException>(() => new ValidatorSet(many));
    }

    [Fact]
    public void Total_power_above_2_to_the_60_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => WithPowers(Limits.TotalVotingPowerMax, 1));
        Assert.Equal(Limits.TotalVotingPowerMax, WithPowers(Limits.TotalVotingPowerMax - 1, 1).TotalPower);
    }

    /// <summary>Regression: the running sum wrapped past 2^64 and came back under the limit, as total power 0.</summary>
    [Fact]
    public void Powers_whose_sum_wraps_past_2_to_the_64_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => WithPowers(1UL << 60, ulong.MaxValue - (1UL << 60) + 1));
        Assert.Throws<ArgumentException>(() => WithPowers(1, ulong.MaxValue));
        var w = new CanonicalWriter();
        w.WriteCount(2);
        w.WritePublicKey(Build.Validator(0).PublicKey);
        w.WriteU64(1);
        w.WritePublicKey(Build.Validator(1).PublicKey);
        w.WriteU64(ulong.MaxValue);
        Assert.Throws<CodecException>(() => Build.DecodeValidatorSet(w.ToArray()));
    }

    [Fact]
    public void Decoding_a_set_with_a_duplicate_or_zero_power_is_rejected()
    {
        var w = new CanonicalWriter();
        w.WriteCount(2);
        w.WritePublicKey(Build.Validator(0).PublicKey);
        w.WriteU64(1);
        w.WritePublicKey(Build.Validator(0).PublicKey);
        w.WriteU64(1);
        Assert.Throws<CodecException>(() => Build.DecodeValidatorSet(w.ToArray()));
        Assert.Throws<CodecException>(() => Build.DecodeValidatorSet(Convert.FromHexString("00000000")));
    }

    [Fact]
    public void Validators_are_found_by_address()
    {
        var set = Build.Validators;
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(i, set.IndexOf(Build.Validator(i).Address));
            Assert.Same(set[i], set.Find(Build.Validator(i).Address));
        }
        Assert.Equal(-1, set.IndexOf(Build.User.Address));
        Assert.Null(set.Find(Build.User.Address));
    }

    [Fact]
    public void Validator_set_hash_depends_on_order_and_power()
    {
        var a = WithPowers(1, 2);
        Assert.NotEqual(a.Hash, WithPowers(1, 3).Hash);
        Assert.NotEqual(a.Hash, new ValidatorSet([a[1], a[0]]).Hash);
    }

    private static int IndexOfProposer(ValidatorSet set, ulong height, int round) => set.IndexOf(set.Proposer(height, round).Address);

    private static ulong PowerOf(ulong[] powers, uint mask)
    {
        ulong sum = 0;
        for (int i = 0; i < powers.Length; i++) if (((mask >> i) & 1) != 0) sum += powers[i];
        return sum;
    }

    private static ulong Gcd(ulong a, ulong b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }
}
