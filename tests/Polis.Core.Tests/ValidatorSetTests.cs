using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Core.Tests;

public sealed class ValidatorSetTests
{
    private static ValidatorSet Set(params ulong[] powers) => new(powers.Select((p, i) => new Validator(Build.Keys[i].PublicKey, p)).ToArray());

    [Fact]
    public void Quorums_are_strictly_more_than_two_thirds_and_one_third_of_the_power()
    {
        var equal = Set(1, 1, 1, 1);
        Assert.True(equal.IsQuorum(3));
        Assert.False(equal.IsQuorum(2));
        Assert.True(equal.IsOneThird(2));
        Assert.False(equal.IsOneThird(1));
        var six = Set(2, 2, 2);
        Assert.False(six.IsQuorum(4)); // exactly two thirds is not enough
        Assert.True(six.IsQuorum(5));
        Assert.False(six.IsOneThird(2)); // exactly one third is not enough
    }

    [Fact]
    public void Power_not_head_count_decides()
    {
        var heavy = Set(10, 1, 1, 1);
        Assert.True(heavy.IsQuorum(10));
        Assert.False(heavy.IsQuorum(3));
    }

    [Fact]
    public void Equal_powers_rotate_the_proposer_round_robin()
    {
        var set = Set(1, 1, 1, 1);
        var proposers = Enumerable.Range(0, 8).Select(r => set.IndexOf(set.Proposer(1, r).Address)).ToArray();
        Assert.Equal(4, proposers.Take(4).Distinct().Count());
        Assert.Equal(proposers.Take(4), proposers.Skip(4));
        Assert.Equal(set.Proposer(2, 0), set.Proposer(1, 1)); // the schedule walks by height + round
    }

    [Fact]
    public void Proposer_turns_follow_power_evenly_spread()
    {
        var set = Set(3, 1);
        var turns = Enumerable.Range(0, 400).Select(r => set.IndexOf(set.Proposer(1, r).Address)).ToArray();
        Assert.Equal(300, turns.Count(t => t == 0));
        for (int start = 0; start + 4 <= turns.Length; start += 4) Assert.Single(turns.Skip(start).Take(4), t => t == 1);
    }

    [Fact]
    public void Duplicates_zero_power_and_empty_sets_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new ValidatorSet([new Validator(Build.Keys[0].PublicKey, 1), new Validator(Build.Keys[0].PublicKey, 2)]));
        Assert.Throws<ArgumentException>(() => Set(1, 0));
        Assert.Throws<ArgumentException>(() => new ValidatorSet([]));
        Assert.Throws<ArgumentException>(() => Set(1UL << 59, 1UL << 59, 1UL << 59));
    }

    [Fact]
    public void Commit_verification_accepts_a_quorum_and_rejects_everything_else()
    {
        var set = Set(1, 1, 1, 1);
        var id = Build.Id(7);
        Assert.Equal("", Build.Commit(id, 1, 0, 0, 1, 2).Verify(Build.ChainId, set, 1, id));
        Assert.Contains("two thirds", Build.Commit(id, 1, 0, 0, 1).Verify(Build.ChainId, set, 1, id));
        Assert.Contains("height", Build.Commit(id, 1, 0, 0, 1, 2).Verify(Build.ChainId, set, 2, id));
        Assert.Contains("block", Build.Commit(id, 1, 0, 0, 1, 2).Verify(Build.ChainId, set, 1, Build.Id(8)));
        var good = Build.Commit(id, 1, 0, 0, 1, 2);
        var swapped = new Commit(1, 0, id, [good.Signatures[0], new CommitSignature(1, good.Signatures[2].Signature), good.Signatures[2]]);
        Assert.Contains("bad signature", swapped.Verify(Build.ChainId, set, 1, id));
        var unordered = new Commit(1, 0, id, [good.Signatures[1], good.Signatures[0], good.Signatures[2]]);
        Assert.Contains("increasing", unordered.Verify(Build.ChainId, set, 1, id));
        var duplicate = new Commit(1, 0, id, [good.Signatures[0], good.Signatures[0], good.Signatures[1]]);
        Assert.Contains("increasing", duplicate.Verify(Build.ChainId, set, 1, id));
        Assert.NotEqual("", good.Verify("other-chain", set, 1, id));
    }
}
