using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Core.Ledger;

/// <summary>
/// The validators of a height, in a fixed order, with quorum arithmetic by voting power and a
/// deterministic weighted round-robin proposer schedule.
/// </summary>
public sealed class ValidatorSet
{
    /// <summary>Longest proposer schedule kept; larger power ratios are scaled down to fit.</summary>
    private const int ScheduleLengthMax = 1 << 16;

    private readonly Validator[] _validators;
    private readonly Dictionary<Address, int> _indexByAddress;
    private readonly int[] _proposerSchedule;

    public ValidatorSet(IReadOnlyList<Validator> validators)
    {
        if (validators.Count == 0) throw new ArgumentException("a validator set needs at least one validator", nameof(validators));
        if (validators.Count > Limits.ValidatorsMax) throw new ArgumentException($"more than {Limits.ValidatorsMax} validators", nameof(validators));
        _validators = [.. validators];
        _indexByAddress = new Dictionary<Address, int>(_validators.Length);
        ulong total = 0;
        for (int i = 0; i < _validators.Length; i++)
        {
            var v = _validators[i];
            if (v.Power == 0) throw new ArgumentException($"validator {i} has zero power", nameof(validators));
            if (!_indexByAddress.TryAdd(v.Address, i)) throw new ArgumentException($"validator {v.Address} listed twice", nameof(validators));
            // Compare before adding: a power near 2^64 would wrap the sum back under the limit.
            if (v.Power > Limits.TotalVotingPowerMax - total) throw new ArgumentException("total voting power exceeds 2^60", nameof(validators));
            total += v.Power;
        }
        TotalPower = total;
        Hash = ComputeHash();
        _proposerSchedule = BuildSchedule();
    }

    public int Count => _validators.Length;
    public ulong TotalPower { get; }
    public Hash32 Hash { get; }
    public IReadOnlyList<Validator> Validators => _validators;
    public Validator this[int index] => _validators[index];

    public int IndexOf(Address address) => _indexByAddress.TryGetValue(address, out int i) ? i : -1;
    public Validator? Find(Address address) => _indexByAddress.TryGetValue(address, out int i) ? _validators[i] : null;

    /// <summary>More than two thirds of the total power (the "2f+1" of the paper).</summary>
    public bool IsQuorum(ulong power) => power * 3 > TotalPower * 2;

    /// <summary>More than one third of the total power (the "f+1" of the paper): at least one honest validator.</summary>
    public bool IsOneThird(ulong power) => power * 3 > TotalPower;

    /// <summary>The proposer of (height, round): a fixed weighted schedule walked by height + round.</summary>
    public Validator Proposer(ulong height, int round)
    {
        ulong slot = (height + (ulong)round) % (ulong)_proposerSchedule.Length;
        return _validators[_proposerSchedule[slot]];
    }

    /// <summary>
    /// Smooth weighted round-robin (as in nginx and Tendermint's proposer priority): each step every
    /// validator gains its power, the highest takes the slot and pays the total. Over one cycle of
    /// length Σpower each validator proposes exactly power times, evenly spread.
    /// </summary>
    private int[] BuildSchedule()
    {
        var powers = new long[_validators.Length];
        ulong gcd = 0;
        foreach (var v in _validators) gcd = Gcd(gcd, v.Power);
        ulong length = 0;
        for (int i = 0; i < powers.Length; i++) { powers[i] = (long)(_validators[i].Power / gcd); length += (ulong)powers[i]; }
        if (length > ScheduleLengthMax)
        {
            length = 0;
            for (int i = 0; i < powers.Length; i++)
            {
                powers[i] = Math.Max(1, (long)((UInt128)_validators[i].Power * (ulong)(ScheduleLengthMax - _validators.Length) / TotalPower));
                length += (ulong)powers[i];
            }
        }
        long totalScaled = (long)length;
        var schedule = new int[length];
        var priority = new long[powers.Length];
        for (int slot = 0; slot < schedule.Length; slot++)
        {
            int best = 0;
            for (int i = 0; i < powers.Length; i++)
            {
                priority[i] += powers[i];
                if (priority[i] > priority[best]) best = i;
            }
            priority[best] -= totalScaled;
            schedule[slot] = best;
        }
        return schedule;
    }

    private static ulong Gcd(ulong a, ulong b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }

    private Hash32 ComputeHash()
    {
        var w = new CanonicalWriter(8 + _validators.Length * 40);
        Encode(w);
        return Sha256.Hash(SignDomain.ValidatorSet, w.WrittenSpan);
    }

    public void Encode(CanonicalWriter w)
    {
        w.WriteCount(_validators.Length);
        foreach (var v in _validators)
        {
            w.WritePublicKey(v.PublicKey);
            w.WriteU64(v.Power);
        }
    }

    public static ValidatorSet Decode(ref CanonicalReader r)
    {
        int n = r.ReadCount(Limits.ValidatorsMax, PublicKey.Size + 8, "validators");
        if (n == 0) throw new CodecException("empty validator set");
        var validators = new Validator[n];
        for (int i = 0; i < n; i++) validators[i] = new Validator(r.ReadPublicKey(), r.ReadU64("power"));
        try
        {
            return new ValidatorSet(validators);
        }
        catch (ArgumentException e)
        {
            throw new CodecException(e.Message);
        }
    }
}
