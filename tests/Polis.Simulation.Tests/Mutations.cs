using Polis.Consensus;
using Polis.Consensus.Wal;
using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Simulation.Tests;

/// <summary>
/// Deliberately broken rules, each undoing one thing the engine or the journal does for safety. They
/// live here, not in the shipped code; the teeth tests show the simulator's checkers catch each.
/// </summary>
internal static class Mutations
{
    /// <summary>By name, for replay commands.</summary>
    public static SimulationOptions Apply(SimulationOptions options, string? name) => name switch
    {
        null or "" => options,
        nameof(IgnoreLock) => options with { Consensus = options.Consensus with { Rules = new IgnoreLock() }, Mutation = name },
        nameof(QuorumTwoF) => options with { Consensus = options.Consensus with { Rules = new QuorumTwoF() }, Mutation = name },
        nameof(PolkaNotRequired) => options with { Consensus = options.Consensus with { Rules = new PolkaNotRequired() }, Mutation = name },
        nameof(LegacyWalRecovery) => options with { WalRules = new LegacyWalRecovery(), Mutation = name },
        // Not a safety rule: liveness. Without quorum claims a validator that floods votes can hide the one a polka rests on.
        nameof(NoQuorumClaims) => options with { QuorumClaims = false, Mutation = name },
        _ => throw new ArgumentException($"unknown mutation '{name}'", nameof(name)),
    };

    /// <summary>The lock rule deleted: a locked validator prevotes whatever valid block is proposed.</summary>
    internal sealed class IgnoreLock : EngineRules
    {
        public override bool LockAllows(int lockedRound, Hash32? lockedBlockId, int validRound, Hash32 blockId) => true;
    }

    /// <summary>2f of the power counts as a quorum instead of 2f+1 (f the largest with total > 3f).</summary>
    internal sealed class QuorumTwoF : EngineRules
    {
        public override bool IsQuorum(ValidatorSet validators, ulong power)
        {
            ulong f = (validators.TotalPower - 1) / 3;
            return power >= 2 * f;
        }
    }

    /// <summary>The valid-round rule without its polka: a proposal's claimed valid round is believed.</summary>
    internal sealed class PolkaNotRequired : EngineRules
    {
        public override bool PolkaJustifies(ValidatorSet validators, ulong power) => true;
    }

    /// <summary>Quorum claims (CometBFT's VoteSetMaj23) neither sent nor heeded: the <see cref="SimulationOptions.QuorumClaims"/> switch.</summary>
    internal const string NoQuorumClaims = nameof(NoQuorumClaims);

    /// <summary>The WAL recovery that shipped before the guard: cut the log at the first bad record and trust what is left.</summary>
    internal sealed class LegacyWalRecovery : WalRecoveryRules
    {
        public override bool RefuseDurableDamage => false;
        public override bool ReadGuard => false;
    }
}
