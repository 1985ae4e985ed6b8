using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Core.Ledger;

/// <summary>
/// Proof that a validator signed two different votes for one (height, round, type). The two votes
/// are ordered by block id so the same misbehaviour always encodes the same way.
/// </summary>
public sealed class DuplicateVoteEvidence
{
    public DuplicateVoteEvidence(Vote a, Vote b)
    {
        if (a.Validator != b.Validator || a.Height != b.Height || a.Round != b.Round || a.Type != b.Type)
            throw new ArgumentException("evidence needs two votes of one validator for the same height, round and type");
        if (a.BlockId == b.BlockId) throw new ArgumentException("the two votes are for the same block: no equivocation");
        (VoteA, VoteB) = a.BlockId < b.BlockId ? (a, b) : (b, a);
    }

    public Vote VoteA { get; }
    public Vote VoteB { get; }
    public Address Validator => VoteA.Validator;
    public ulong Height => VoteA.Height;

    /// <summary>Both signatures must check against the validator's key: evidence cannot be forged.</summary>
    public bool Verify(string chainId, PublicKey key) => VoteA.Verify(chainId, key) && VoteB.Verify(chainId, key);

    public Hash32 Hash()
    {
        var w = new CanonicalWriter(2 * Vote.EncodedSize);
        Encode(w);
        return Sha256.Hash(SignDomain.Evidence, w.WrittenSpan);
    }

    public void Encode(CanonicalWriter w)
    {
        VoteA.Encode(w);
        VoteB.Encode(w);
    }

    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(2 * Vote.EncodedSize);
        Encode(w);
        return w.ToArray();
    }

    public static DuplicateVoteEvidence Decode(ref CanonicalReader r)
    {
        var a = Vote.Decode(ref r);
        var b = Vote.Decode(ref r);
        if (!(a.BlockId < b.BlockId)) throw new CodecException("evidence votes must be ordered by block id");
        try
        {
            return new DuplicateVoteEvidence(a, b);
        }
        catch (ArgumentException e)
        {
            throw new CodecException(e.Message);
        }
    }

    public static DuplicateVoteEvidence Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        var evidence = Decode(ref r);
        r.End("evidence");
        return evidence;
    }
}
