using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Core.Ledger;

/// <summary>
/// Proof that a proposer signed two different proposals for one (height, round): another block, or
/// the same block with another valid round. Ordered by (block id, valid round) so the same
/// misbehaviour always encodes the same way; both signatures check against the proposer's key.
/// </summary>
public sealed class DuplicateProposalEvidence
{
    public DuplicateProposalEvidence(Proposal a, Proposal b)
    {
        if (a.Proposer != b.Proposer || a.Height != b.Height || a.Round != b.Round)
            throw new ArgumentException("evidence needs two proposals of one proposer for the same height and round");
        if (a.BlockId == b.BlockId && a.ValidRound == b.ValidRound) throw new ArgumentException("the two proposals are the same: no equivocation");
        (ProposalA, ProposalB) = Before(a, b) ? (a, b) : (b, a);
    }

    public Proposal ProposalA { get; }
    public Proposal ProposalB { get; }
    public Address Proposer => ProposalA.Proposer;
    public ulong Height => ProposalA.Height;

    private static bool Before(Proposal a, Proposal b) => a.BlockId < b.BlockId || a.BlockId == b.BlockId && a.ValidRound < b.ValidRound;

    public bool Verify(string chainId, PublicKey key) => ProposalA.Verify(chainId, key) && ProposalB.Verify(chainId, key);

    public Hash32 Hash() => Sha256.Hash(SignDomain.ProposalEvidence, ToBytes());

    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(2 * Proposal.EncodedSize);
        ProposalA.Encode(w);
        ProposalB.Encode(w);
        return w.ToArray();
    }

    public static DuplicateProposalEvidence Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        var a = Proposal.Decode(ref r);
        var b = Proposal.Decode(ref r);
        r.End("proposal evidence");
        if (!Before(a, b)) throw new CodecException("proposal evidence must be ordered by block id, then valid round");
        try
        {
            return new DuplicateProposalEvidence(a, b);
        }
        catch (ArgumentException e)
        {
            throw new CodecException(e.Message);
        }
    }
}
