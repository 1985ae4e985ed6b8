using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Consensus;

/// <summary>
/// The votes of one (height, round, type). Power is tallied per block id over the distinct
/// validators that signed a vote for it. An equivocating validator's conflicting votes each count
/// for their own block id (the paper counts messages, and an honest validator that saw only one of
/// them must still be able to see the polka the others saw); "any" power counts each validator
/// once. Quorum intersection keeps two block ids from both reaching a quorum while at most f power
/// equivocates. The first conflict of each validator becomes evidence.
/// <para>
/// A validator's conflicting votes are kept up to <see cref="VotesPerValidatorMax"/> block ids, and
/// beyond that only for block ids a peer claims a quorum for (<see cref="Claim"/>, CometBFT's
/// VoteSetMaj23): an equivocator that signs more votes than we keep must not be able to hide the
/// one an honest validator counted in its polka. Each claimant names one block per vote set, and at
/// most <see cref="ClaimantsMax"/> unpinned claimants and <see cref="TrustedClaimantsMax"/> pinned
/// ones are heard (apart, so strangers under throwaway keys cannot take the pinned peers' room), so
/// a validator's votes here stay below <see cref="VotesPerValidatorHeldMax"/>.
/// </para>
/// </summary>
internal sealed class VoteSet(ValidatorSet validators)
{
    /// <summary>Distinct block ids kept per validator: bounds what an equivocator can make us store.</summary>
    public const int VotesPerValidatorMax = 8;
    /// <summary>Unpinned peers whose quorum claims a vote set hears (one block each).</summary>
    public const int ClaimantsMax = 64;
    /// <summary>Pinned peers whose quorum claims a vote set hears, apart from the others.</summary>
    public const int TrustedClaimantsMax = 64;
    /// <summary>What one validator can make a vote set hold.</summary>
    public const int VotesPerValidatorHeldMax = VotesPerValidatorMax + ClaimantsMax + TrustedClaimantsMax;

    private readonly Dictionary<Address, List<Vote>> _votes = new();
    private readonly Dictionary<Hash32, ulong> _powerByBlock = new();
    private readonly Dictionary<Hash32, Hash32> _claimByClaimant = new();
    private int _trustedClaimants;
    private readonly HashSet<Hash32> _claimed = new();

    public ulong TotalPower { get; private set; }
    /// <summary>Votes kept, conflicting ones included.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a vote already known to be validly signed by a member of the set.</summary>
    public VoteAddResult Add(Vote vote, out DuplicateVoteEvidence? evidence)
    {
        evidence = null;
        ulong power = validators.Find(vote.Validator)!.Power;
        if (!_votes.TryGetValue(vote.Validator, out var mine))
        {
            _votes.Add(vote.Validator, [vote]);
            Count++;
            TotalPower += power;
            _powerByBlock[vote.BlockId] = PowerFor(vote.BlockId) + power;
            return VoteAddResult.Added;
        }
        foreach (var v in mine) if (v.BlockId == vote.BlockId) return VoteAddResult.Duplicate;
        if (mine.Count == 1) evidence = new DuplicateVoteEvidence(mine[0], vote);
        if (mine.Count < VotesPerValidatorMax || _claimed.Contains(vote.BlockId))
        {
            mine.Add(vote);
            Count++;
            _powerByBlock[vote.BlockId] = PowerFor(vote.BlockId) + power;
        }
        return VoteAddResult.Conflicting;
    }

    /// <summary>
    /// A peer claims a quorum for <paramref name="blockId"/>: from now on a conflicting vote for it
    /// is kept whatever its signer sent before. False if the claimant named a block here before or
    /// <see cref="ClaimantsMax"/> claimants were heard already.
    /// </summary>
    public bool Claim(in Hash32 claimant, in Hash32 blockId, bool trusted = false)
    {
        if (trusted ? _trustedClaimants >= TrustedClaimantsMax : _claimByClaimant.Count - _trustedClaimants >= ClaimantsMax) return false;
        if (!_claimByClaimant.TryAdd(claimant, blockId)) return false;
        if (trusted) _trustedClaimants++;
        _claimed.Add(blockId);
        return true;
    }

    /// <summary>Every vote kept, conflicting ones included, for relaying.</summary>
    public IEnumerable<Vote> All()
    {
        foreach (var (_, mine) in _votes)
            foreach (var v in mine) yield return v;
    }

    public bool Has(Address validator) => _votes.ContainsKey(validator);

    public ulong PowerFor(in Hash32 blockId) => _powerByBlock.TryGetValue(blockId, out ulong p) ? p : 0;

    /// <summary>
    /// A block id (possibly nil = zero) holding a quorum, if any. Within the fault bound at most one
    /// can; beyond it, the smallest id is taken, so the answer never depends on dictionary order.
    /// </summary>
    public bool TryGetQuorumBlock(Func<ulong, bool> isQuorum, out Hash32 blockId)
    {
        bool found = false;
        blockId = default;
        foreach (var (id, power) in _powerByBlock)
        {
            if (!isQuorum(power) || (found && !(id < blockId))) continue;
            blockId = id;
            found = true;
        }
        return found;
    }

    /// <summary>Precommit signatures for <paramref name="blockId"/> in validator order: the commit.</summary>
    public CommitSignature[] SignaturesFor(in Hash32 blockId)
    {
        var signatures = new List<CommitSignature>();
        for (int i = 0; i < validators.Count; i++)
        {
            if (!_votes.TryGetValue(validators[i].Address, out var mine)) continue;
            foreach (var v in mine)
            {
                if (v.BlockId != blockId) continue;
                signatures.Add(new CommitSignature((ushort)i, v.Signature));
                break;
            }
        }
        return [.. signatures];
    }
}
