using Polis.Consensus;
using Polis.Core.Ledger;

namespace Polis.Simulation.Tests;

/// <summary>A deliberately broken engine rule: 2f of the power counts as a quorum instead of 2f+1 (f the largest with total > 3f).</summary>
internal sealed class QuorumTwoF : EngineRules
{
    public override bool IsQuorum(ValidatorSet validators, ulong power)
    {
        ulong f = (validators.TotalPower - 1) / 3;
        return power >= 2 * f;
    }
}
