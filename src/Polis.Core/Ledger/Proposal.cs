using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Core.Ledger;

/// <summary>
/// A signed proposal of block <see cref="BlockId"/> for (height, round). <see cref="ValidRound"/> is
/// −1 for a fresh block, or the round in which the proposer saw a polka for this block.
/// </summary>
public sealed record Proposal(ulong Height, int Round, int ValidRound, Hash32 BlockId, Address Proposer, Signature Signature)
{
    public const int EncodedSize = 8 + 4 + 4 + Hash32.Size + Address.Size + Crypto.Signature.Size;

    public static byte[] SignBytes(string chainId, ulong height, int round, int validRound, in Hash32 blockId)
    {
        var w = new CanonicalWriter(96);
        w.WriteU8(SignDomain.Proposal);
        w.WriteString(chainId);
        w.WriteU64(height);
        w.WriteI32(round);
        w.WriteI32(validRound);
        w.WriteHash(blockId);
        return w.ToArray();
    }

    public byte[] SignBytes(string chainId) => SignBytes(chainId, Height, Round, ValidRound, BlockId);

    public static Proposal Create(string chainId, KeyPair key, ulong height, int round, int validRound, Hash32 blockId) =>
        new(height, round, validRound, blockId, key.Address, key.Sign(SignBytes(chainId, height, round, validRound, blockId)));

    public bool Verify(string chainId, PublicKey key) => Address.From(key) == Proposer && key.Verify(SignBytes(chainId), Signature);

    public void Encode(CanonicalWriter w)
    {
        w.WriteU64(Height);
        w.WriteI32(Round);
        w.WriteI32(ValidRound);
        w.WriteHash(BlockId);
        w.WriteAddress(Proposer);
        w.WriteSignature(Signature);
    }

    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(EncodedSize);
        Encode(w);
        return w.ToArray();
    }

    public static Proposal Decode(ref CanonicalReader r)
    {
        ulong height = r.ReadU64("height");
        if (height == 0) throw new CodecException("proposal height 0: heights start at 1");
        int round = r.ReadI32("round");
        if (round < 0) throw new CodecException($"negative round {round}");
        int validRound = r.ReadI32("valid round");
        if (validRound < -1 || validRound >= round) throw new CodecException($"valid round {validRound} must be -1 or below round {round}");
        var blockId = r.ReadHash("block id");
        if (blockId.IsZero) throw new CodecException("a proposal cannot propose nil");
        var proposer = r.ReadAddress("proposer");
        var signature = r.ReadSignature();
        return new Proposal(height, round, validRound, blockId, proposer, signature);
    }

    public static Proposal Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        var proposal = Decode(ref r);
        r.End("proposal");
        return proposal;
    }
}
