using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Consensus;

/// <summary>
/// The rules whose loss breaks safety without stopping progress: what counts as a quorum, when a
/// validator locked on a value may prevote another, and that a re-proposal needs its polka. They are virtual only so that the
/// simulator's own tests can break one on purpose and show the checkers catch it; the class is
/// internal (visible to those tests alone), and the shipped engine always uses <see cref="Tendermint"/>.
/// The mutations themselves live in the test projects.
/// </summary>
internal class EngineRules
{
    public static readonly EngineRules Tendermint = new();

    /// <summary>More than two thirds of the total voting power (Algorithm 1's 2f+1).</summary>
    public virtual bool IsQuorum(ValidatorSet validators, ulong power) => validators.IsQuorum(power);

    /// <summary>
    /// Rule 3 (line 28 of Algorithm 1): a proposal re-proposing a value with valid round vr is
    /// prevoted only with a polka for it in round vr; <paramref name="power"/> is the prevote power
    /// seen for the value in that round.
    /// </summary>
    public virtual bool PolkaJustifies(ValidatorSet validators, ulong power) => IsQuorum(validators, power);

    /// <summary>
    /// Rules 2 and 3 (lines 22 and 28 of Algorithm 1): a validator locked in round
    /// <paramref name="lockedRound"/> on <paramref name="lockedBlockId"/> may prevote
    /// <paramref name="blockId"/> proposed with valid round <paramref name="validRound"/> (-1: none)
    /// only if it is the locked value, or the lock is no newer than the proposal's polka.
    /// </summary>
    public virtual bool LockAllows(int lockedRound, Hash32? lockedBlockId, int validRound, Hash32 blockId) =>
        validRound == -1
            ? lockedRound == -1 || lockedBlockId == blockId
            : lockedRound <= validRound || lockedBlockId == blockId;
}
