using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Simulation.Checkers;

/// <summary>
/// Tendermint's lock rule, checked from the outside on every signature an honest validator sends:
/// <list type="bullet">
/// <item>a validator that precommitted B in round r (its lock) prevotes another non-nil block B'
/// in a later round r' only for a proposal of (h, r', B') whose valid round vr has r ≤ vr &lt; r'
/// and a polka (prevotes of more than two thirds of the power) for B' in round vr;</item>
/// <item>a non-nil precommit for B in round r has a polka for B in round r behind it.</item>
/// </list>
/// Polkas are counted over every prevote any validator sent (Byzantine ones included): a polka
/// that never existed anywhere cannot have justified anything.
/// </summary>
public sealed class LockChecker(ValidatorSet validators)
{
    private readonly Dictionary<(int Validator, ulong Height), (int Round, Hash32 Block)> _locks = new();
    private readonly Dictionary<(ulong Height, int Round, Hash32 Block), HashSet<int>> _validRounds = new();
    private readonly Dictionary<(ulong Height, int Round, Hash32 Block), (HashSet<Address> Voters, ulong Power)> _prevotes = new();
    private readonly HashSet<(ulong, int, Hash32, int)> _proposalsSeen = new();

    public List<Violation> Violations { get; } = new();
    public long PrevotesChecked { get; private set; }

    /// <summary>A proposal left some validator (honest or not).</summary>
    public void OnProposalSent(Proposal proposal)
    {
        if (!_proposalsSeen.Add((proposal.Height, proposal.Round, proposal.BlockId, proposal.ValidRound))) return;
        var key = (proposal.Height, proposal.Round, proposal.BlockId);
        if (!_validRounds.TryGetValue(key, out var rounds)) _validRounds[key] = rounds = new HashSet<int>();
        rounds.Add(proposal.ValidRound);
    }

    /// <summary>A prevote left some validator (honest or not): it counts toward polkas.</summary>
    public void OnPrevoteSent(Vote vote)
    {
        if (vote.IsNil) return;
        var key = (vote.Height, vote.Round, vote.BlockId);
        if (!_prevotes.TryGetValue(key, out var tally)) tally = (new HashSet<Address>(), 0);
        if (!tally.Voters.Add(vote.Validator)) return;
        _prevotes[key] = (tally.Voters, tally.Power + (validators.Find(vote.Validator)?.Power ?? 0));
    }

    /// <summary>An honest validator signed a prevote: is it allowed by its lock?</summary>
    public void OnHonestPrevote(long now, int validator, Vote vote)
    {
        PrevotesChecked++;
        if (vote.IsNil || !_locks.TryGetValue((validator, vote.Height), out var locked)) return;
        if (locked.Round >= vote.Round || locked.Block == vote.BlockId) return;
        if (_validRounds.TryGetValue((vote.Height, vote.Round, vote.BlockId), out var validRounds))
            foreach (int vr in validRounds)
                if (vr >= locked.Round && vr < vote.Round && HasPolka(vote.Height, vr, vote.BlockId)) return;
        Violations.Add(new Violation("lock", now,
            $"validator {validator} locked on {locked.Block.Short} in round {locked.Round} at height {vote.Height} prevoted {vote.BlockId.Short} in round {vote.Round} " +
            $"without a proposal whose valid round (seen: {(validRounds is null ? "none" : string.Join(",", validRounds))}) is at least {locked.Round} and has a polka"));
    }

    /// <summary>An honest validator signed a precommit: a non-nil one needs a polka and becomes its lock.</summary>
    public void OnHonestPrecommit(long now, int validator, Vote vote)
    {
        if (vote.IsNil) return;
        if (!HasPolka(vote.Height, vote.Round, vote.BlockId))
            Violations.Add(new Violation("polka", now,
                $"validator {validator} precommitted {vote.BlockId.Short} at height {vote.Height} round {vote.Round} without a polka for it in that round"));
        var key = (validator, vote.Height);
        if (!_locks.TryGetValue(key, out var current) || current.Round <= vote.Round) _locks[key] = (vote.Round, vote.BlockId);
    }

    private bool HasPolka(ulong height, int round, Hash32 block) =>
        _prevotes.TryGetValue((height, round, block), out var tally) && validators.IsQuorum(tally.Power);
}
