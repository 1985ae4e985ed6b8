using Polis.Core.Ledger;
using Polis.Simulation.Messages;

namespace Polis.Simulation;

/// <summary>
/// A network adversary that picks its targets (not random delays): during the fault window it holds
/// back exactly the messages that would repair a lagging validator (decided blocks sent to it) and
/// the prevotes on their way to the next round's proposer (so it proposes without knowing the
/// polka others locked on). Delays, not drops: after the window everything flows again.
/// </summary>
public sealed partial class Simulator
{
    private long AdversaryDelayMs(SimNode to, SimMessage message)
    {
        if (!_options.TargetedDelays || _queue.Now >= _faultsHealedAt) return 0;
        long delay = _options.TargetedDelayMs;
        switch (message)
        {
            case CommitMessage when IsLagging(to):
                return delay;
            case ProposalMessage p when IsLagging(to) && p.Height == to.Height + 1:
                return delay;
            case VoteMessage v when v.Vote.Type == VoteType.Prevote && IsPrevoteTarget(to, v.Vote.Height, v.Vote.Round):
                return delay;
            default:
                return 0;
        }
    }

    /// <summary>
    /// Whose prevotes of (height, round) to hold back: the next round's proposer's (it then proposes
    /// without the polka others locked on); when that proposer colludes with the adversary, one
    /// honest validator's (it misses the polka and precommits nil while the others lock, so the
    /// round fails with locks taken and the colluder proposes next).
    /// </summary>
    private bool IsPrevoteTarget(SimNode to, ulong height, int round)
    {
        var next = _validators.Proposer(height, round + 1).Address;
        if (next == to.Key.Address) return to.IsHonest;
        bool colluding = false;
        foreach (var n in _nodes) if (!n.IsHonest && n.Key.Address == next) colluding = true;
        if (!colluding || !to.IsHonest) return false;
        int honest = 0, index = -1;
        foreach (var n in _nodes)
        {
            if (!n.IsHonest) continue;
            if (n == to) index = honest;
            honest++;
        }
        return index == (int)((height + (ulong)round) % (ulong)honest);
    }

    private bool IsLagging(SimNode node)
    {
        foreach (var other in _nodes)
            if (other.IsHonest && other.Height > node.Height) return true;
        return false;
    }
}
