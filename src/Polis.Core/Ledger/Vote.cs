using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Core.Ledger;

/// <summary>
/// A signed prevote or precommit. A nil vote carries the zero block id. The signature covers
/// (chain id, type, height, round, block id): the chain id is not sent, the verifier supplies it.
/// </summary>
public sealed record Vote(VoteType Type, ulong Height, int Round, Hash32 BlockId, Address Validator, Signature Signature)
{
    public const int EncodedSize = 1 + 8 + 4 + Hash32.Size + Address.Size + Crypto.Signature.Size;

    public bool IsNil => BlockId.IsZero;

    public static byte[] SignBytes(string chainId, VoteType type, ulong height, int round, in Hash32 blockId)
    {
        var w = new CanonicalWriter(96);
        w.WriteU8(SignDomain.Vote);
        w.WriteString(chainId);
        w.WriteU8((byte)type);
        w.WriteU64(height);
        w.WriteI32(round);
        w.WriteHash(blockId);
        return w.ToArray();
    }

    public byte[] SignBytes(string chainId) => SignBytes(chainId, Type, Height, Round, BlockId);

    public static Vote Create(string chainId, KeyPair key, VoteType type, ulong height, int round, Hash32 blockId) =>
        new(type, height, round, blockId, key.Address, key.Sign(SignBytes(chainId, type, height, round, blockId)));

    public bool Verify(string chainId, PublicKey key) => Address.From(key) == Validator && key.Verify(SignBytes(chainId), Signature);

    public void Encode(CanonicalWriter w)
    {
        w.WriteU8((byte)Type);
        w.WriteU64(Height);
        w.WriteI32(Round);
        w.WriteHash(BlockId);
        w.WriteAddress(Validator);
        w.WriteSignature(Signature);
    }

    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(EncodedSize);
        Encode(w);
        return w.ToArray();
    }

    public static Vote Decode(ref CanonicalReader r)
    {
        byte type = r.ReadU8("vote type");
        if (type != (byte)VoteType.Prevote && type != (byte)VoteType.Precommit) throw new CodecException($"unknown vote type {type}");
        ulong height = r.ReadU64("height");
        if (height == 0) throw new CodecException("vote height 0: heights start at 1");
        int round = r.ReadI32("round");
        if (round < 0) throw new CodecException($"negative round {round}");
        var blockId = r.ReadHash("block id");
        var validator = r.ReadAddress("validator");
        var signature = r.ReadSignature();
        return new Vote((VoteType)type, height, round, blockId, validator, signature);
    }

    public static Vote Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        var vote = Decode(ref r);
        r.End("vote");
        return vote;
    }

    public override string ToString() =>
        $"{Type}(h={Height} r={Round} {(IsNil ? "nil" : BlockId.Short)} by {Validator.ToString()[..14]})";
}
