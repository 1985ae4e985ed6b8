using Polis.Consensus;
using Polis.Core.Crypto;

namespace Polis.Simulation.Checkers;

/// <summary>
/// No honest validator ever signs two different things for one (height, round, step), including
/// across crashes and restarts: it sees every signed message that leaves an honest validator.
/// </summary>
public sealed class DoubleSignChecker
{
    private readonly Dictionary<(int Validator, ulong Height, int Round, Step Step), Hash32> _signed = new();

    public List<Violation> Violations { get; } = new();
    public long Signatures { get; private set; }

    public void OnSigned(long now, int validator, ulong height, int round, Step step, Hash32 blockId)
    {
        Signatures++;
        var key = (validator, height, round, step);
        if (!_signed.TryGetValue(key, out var earlier))
        {
            _signed[key] = blockId;
            return;
        }
        if (earlier != blockId)
            Violations.Add(new Violation("double-sign", now, $"validator {validator} signed {step} at h={height} r={round} for {earlier.Short} and {blockId.Short}"));
    }
}
