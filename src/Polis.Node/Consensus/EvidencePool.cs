using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Node.Consensus;

/// <summary>
/// Evidence of misbehaviour this node saw, waiting for a block: equivocating votes (proposed in
/// this node's blocks until committed) and equivocating proposals (kept for governance, which
/// decides how they reach the chain). Each kind is deduplicated by hash, bounded, and expires
/// <see cref="Limits.EvidenceMaxAgeHeights"/> after its height, as blocks refuse older evidence.
/// Threading: the loop only.
/// </summary>
internal sealed class EvidencePool
{
    private readonly Dictionary<Hash32, DuplicateVoteEvidence> _votes = new();
    private readonly Dictionary<Hash32, DuplicateProposalEvidence> _proposals = new();

    public int VoteEvidenceCount => _votes.Count;
    public int ProposalEvidenceCount => _proposals.Count;
    public IEnumerable<DuplicateProposalEvidence> ProposalEvidence => _proposals.Values;

    /// <summary>False when already held or the pool is full.</summary>
    public bool Add(DuplicateVoteEvidence evidence) =>
        _votes.Count < NodeLimits.EvidencePendingMax && _votes.TryAdd(evidence.Hash(), evidence);

    public bool Add(DuplicateProposalEvidence evidence) =>
        _proposals.Count < NodeLimits.EvidencePendingMax && _proposals.TryAdd(evidence.Hash(), evidence);

    /// <summary>Vote evidence for the next block, oldest first (the chain drops what it may not take).</summary>
    public IReadOnlyList<DuplicateVoteEvidence> ForBlock()
    {
        var list = new List<DuplicateVoteEvidence>(_votes.Values);
        list.Sort((a, b) => a.Height.CompareTo(b.Height));
        return list.Count > Limits.BlockEvidenceMax ? list.GetRange(0, Limits.BlockEvidenceMax) : list;
    }

    /// <summary>After a commit: what the block carried is done, and what is too old to go in a block any more expires.</summary>
    public void OnCommitted(Block block)
    {
        foreach (var e in block.Evidence) _votes.Remove(e.Hash());
        ulong height = block.Height;
        if (height <= Limits.EvidenceMaxAgeHeights) return;
        ulong oldest = height - Limits.EvidenceMaxAgeHeights;
        foreach (var (hash, e) in _votes.ToList()) if (e.Height < oldest) _votes.Remove(hash);
        foreach (var (hash, e) in _proposals.ToList()) if (e.Height < oldest) _proposals.Remove(hash);
    }
}
