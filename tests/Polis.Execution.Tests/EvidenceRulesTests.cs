using Polis.City;
using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Execution.Evidence;
using Polis.Testing;

namespace Polis.Execution.Tests;

/// <summary>Evidence in blocks: verifiable, once per block, once ever (recorded in the state), and not too old.</summary>
public sealed class EvidenceRulesTests
{
    private const string ChainId = "polis-evidence-test";
    private static readonly KeyPair[] Validators = Enumerable.Range(0, 4).Select(i => KeyPair.FromLabel($"evidence-v{i}")).ToArray();

    private static Chain NewChain() => new(TestGenesis.Create(ChainId, 1_000, new ValidatorSet(Validators.Select(v => new Validator(v.PublicKey, 1)).ToArray()), []),
        TreeState.InMemory(), new CachingSignatureVerifier(), CityModules.Set());

    private static Commit CommitFor(Block block) => new(block.Height, 0, block.Id, Enumerable.Range(0, 3).Select(i =>
        new CommitSignature((ushort)i, Vote.Create(ChainId, Validators[i], VoteType.Precommit, block.Height, 0, block.Id).Signature)).ToArray());

    private static DuplicateVoteEvidence Equivocation(int validator, ulong height) => new(
        Vote.Create(ChainId, Validators[validator], VoteType.Prevote, height, 0, Sha256.Hash([1])),
        Vote.Create(ChainId, Validators[validator], VoteType.Prevote, height, 0, Sha256.Hash([2])));

    /// <summary>A block at the next height carrying exactly <paramref name="evidence"/> (built honestly, then its evidence replaced).</summary>
    private static Block WithEvidence(Chain builder, IReadOnlyList<DuplicateVoteEvidence> evidence, long timeMs)
    {
        var honest = builder.Build(timeMs, Validators[0].Address, [], []);
        // The state root differs once evidence is recorded, so take it from a chain that accepts this evidence.
        return new Block(honest.Header with { EvidenceRoot = Block.EvidenceRootOf(evidence) }, honest.Transactions, honest.LastCommit, evidence);
    }

    [Fact]
    public void Evidence_goes_into_a_block_once_and_is_recorded_so_no_later_block_carries_it_again()
    {
        var proposer = NewChain();
        var other = NewChain();
        var evidence = Equivocation(2, 1);
        var first = proposer.Build(2_000, Validators[0].Address, [], [evidence, evidence]);
        Assert.Single(first.Evidence); // the proposer drops the copy
        Assert.True(other.Validate(first).Valid);
        proposer.Commit(first, CommitFor(first));
        other.Commit(first, CommitFor(first));
        Assert.Equal(1UL, EvidenceRecord.CommittedAt(other.State.At(1), evidence.Hash()));

        var second = proposer.Build(3_000, Validators[1].Address, [], [evidence]);
        Assert.Empty(second.Evidence); // already committed: the proposer leaves it out
        var replayed = WithEvidence(proposer, [evidence], 3_000);
        var verdict = other.Validate(replayed);
        Assert.False(verdict.Valid);
        Assert.Contains("already committed at height 1", verdict.Reason);
    }

    [Fact]
    public void A_block_carrying_the_same_evidence_twice_is_invalid()
    {
        var chain = NewChain();
        var evidence = Equivocation(1, 1);
        var verdict = chain.Validate(WithEvidence(NewChain(), [evidence, evidence], 2_000));
        Assert.False(verdict.Valid);
        Assert.Contains("twice", verdict.Reason);
    }

    [Fact]
    public void Evidence_older_than_the_maximum_age_or_from_a_later_height_is_refused()
    {
        var state = TreeState.InMemory().Begin(null);
        var old = Equivocation(1, 1);
        Assert.Contains("older than", EvidenceRecord.Refusal(old, 2 + Limits.EvidenceMaxAgeHeights, state));
        Assert.Equal("", EvidenceRecord.Refusal(old, 1 + Limits.EvidenceMaxAgeHeights, state));
        Assert.Contains("later height", EvidenceRecord.Refusal(Equivocation(1, 5), 4, state));
    }

    [Fact]
    public void Proposal_evidence_verifies_is_canonical_and_refuses_two_equal_proposals()
    {
        var a = Proposal.Create(ChainId, Validators[1], 3, 0, -1, Sha256.Hash([1]));
        var b = Proposal.Create(ChainId, Validators[1], 3, 0, -1, Sha256.Hash([2]));
        var evidence = new DuplicateProposalEvidence(b, a);
        Assert.True(evidence.Verify(ChainId, Validators[1].PublicKey));
        Assert.False(evidence.Verify(ChainId, Validators[2].PublicKey));
        Assert.Equal(new DuplicateProposalEvidence(a, b).ToBytes(), evidence.ToBytes());
        Assert.Equal(evidence.Hash(), DuplicateProposalEvidence.Decode(evidence.ToBytes()).Hash());
        Assert.Throws<ArgumentException>(() => new DuplicateProposalEvidence(a, a));
        var swapped = evidence.ProposalB.ToBytes().Concat(evidence.ProposalA.ToBytes()).ToArray();
        Assert.Throws<CodecException>(() => DuplicateProposalEvidence.Decode(swapped));
        var sameBlockOtherValidRound = Proposal.Create(ChainId, Validators[1], 3, 0, 1, Sha256.Hash([1]));
        Assert.True(new DuplicateProposalEvidence(a, sameBlockOtherValidRound).Verify(ChainId, Validators[1].PublicKey));
    }
}
