using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Consensus;

/// <summary>
/// The votes of one (height, round, type): one counted vote per validator, power tallied per block
/// id, and the first conflicting vote of a validator kept as equivocation evidence.
/// </summary>
internal sealed class VoteSet(ValidatorSet validators)
{
    private readonly Dictionary<Address, Vote> _votes = new();
    private readonly Dictionary<Hash32, ulong> _powerByBlock = new();
    private readonly HashSet<Address> _equivocators = new();

    public ulong TotalPower { get; private set; }
    public IEnumerable<Vote> Votes => _votes.Values;
    public int Count => _votes.Count;

    /// <summary>Adds a vote already known to be validly signed by a member of the set.</summary>
    public VoteAddResult Add(Vote vote, out DuplicateVoteEvidence? evidence)
    {
        evidence = null;
        if (_votes.TryGetValue(vote.Validator, out var existing))
        {
            if (existing.BlockId == vote.BlockId) return VoteAddResult.Duplicate;
            if (_equivocators.Add(vote.Validator)) evidence = new DuplicateVoteEvidence(existing, vote);
            return VoteAddResult.Conflicting;
        }
        _votes.Add(vote.Validator, vote);
        ulong power = validators.Find(vote.Validator)!.Power;
        TotalPower += power;
        _powerByBlock[vote.BlockId] = PowerFor(vote.BlockId) + power;
        return VoteAddResult.Added;
    }

    public bool Has(Address validator) => _votes.ContainsKey(validator);

    public ulong PowerFor(in Hash32 blockId) => _powerByBlock.TryGetValue(blockId, out ulong p) ? p : 0;

    /// <summary>The block id (possibly nil = zero) holding a quorum, if any.</summary>
    public bool TryGetQuorumBlock(Func<ulong, bool> isQuorum, out Hash32 blockId)
    {
        foreach (var (id, power) in _powerByBlock)
        {
            if (isQuorum(power))
            {
                blockId = id;
                return true;
            }
        }
        blockId = default;
        return false;
    }

    /// <summary>Precommit signatures for <paramref name="blockId"/> in validator order: the commit.</summary>
    public CommitSignature[] SignaturesFor(in Hash32 blockId)
    {
        var signatures = new List<CommitSignature>();
        for (int i = 0; i < validators.Count; i++)
        {
            if (_votes.TryGetValue(validators[i].Address, out var v) && v.BlockId == blockId)
                signatures.Add(new CommitSignature((ushort)i, v.Signature));
        }
        return [.. signatures];
    }
}
