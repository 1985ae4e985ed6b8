using Polis.Core.Crypto;

namespace Polis.Simulation.Checkers;

/// <summary>No two honest validators decide different blocks at one height.</summary>
public sealed class AgreementChecker
{
    private readonly Dictionary<ulong, (Hash32 BlockId, string Node)> _decided = new();

    public List<Violation> Violations { get; } = new();
    public int HeightsDecided => _decided.Count;

    public void OnDecide(long now, string node, ulong height, Hash32 blockId)
    {
        if (!_decided.TryGetValue(height, out var first))
        {
            _decided[height] = (blockId, node);
            return;
        }
        if (first.BlockId != blockId)
            Violations.Add(new Violation("agreement", now, $"height {height}: {first.Node} decided {first.BlockId.Short}, {node} decided {blockId.Short}"));
    }

    public Hash32? DecidedAt(ulong height) => _decided.TryGetValue(height, out var d) ? d.BlockId : null;
}
