using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Core.Ledger;

/// <summary>
/// A block header. Its hash is the block id. <see cref="StateRoot"/> is the state root after this
/// block's own transactions (immediate execution), so a committed header proves its own state.
/// </summary>
public sealed record BlockHeader(
    string ChainId,
    ulong Height,
    long TimeMs,
    Hash32 PreviousBlockId,
    Hash32 TransactionsRoot,
    Hash32 StateRoot,
    Hash32 ValidatorSetHash,
    Address Proposer,
    Hash32 LastCommitHash,
    Hash32 EvidenceRoot)
{
    private Hash32? _id;

    /// <summary>The copy used by <c>with</c>: copies the fields but not the cached id, which belongs to the original.</summary>
    private BlockHeader(BlockHeader original)
    {
        ChainId = original.ChainId;
        Height = original.Height;
        TimeMs = original.TimeMs;
        PreviousBlockId = original.PreviousBlockId;
        TransactionsRoot = original.TransactionsRoot;
        StateRoot = original.StateRoot;
        ValidatorSetHash = original.ValidatorSetHash;
        Proposer = original.Proposer;
        LastCommitHash = original.LastCommitHash;
        EvidenceRoot = original.EvidenceRoot;
    }

    /// <summary>SHA-256 over the domain tag and the canonical encoding.</summary>
    public Hash32 Id => _id ??= ComputeId();

    private Hash32 ComputeId()
    {
        var w = new CanonicalWriter(256);
        Encode(w);
        return Sha256.Hash(SignDomain.BlockHeader, w.WrittenSpan);
    }

    public bool Equals(BlockHeader? other) => other is not null && Id == other.Id;
    public override int GetHashCode() => Id.GetHashCode();

    public void Encode(CanonicalWriter w)
    {
        w.WriteString(ChainId);
        w.WriteU64(Height);
        w.WriteI64(TimeMs);
        w.WriteHash(PreviousBlockId);
        w.WriteHash(TransactionsRoot);
        w.WriteHash(StateRoot);
        w.WriteHash(ValidatorSetHash);
        w.WriteAddress(Proposer);
        w.WriteHash(LastCommitHash);
        w.WriteHash(EvidenceRoot);
    }

    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(256);
        Encode(w);
        return w.ToArray();
    }

    public static BlockHeader Decode(ref CanonicalReader r)
    {
        string chainId = r.ReadString(Limits.ChainIdBytesMax, "chain id");
        if (!Ledger.ChainId.IsValid(chainId, out var error)) throw new CodecException(error);
        ulong height = r.ReadU64("height");
        if (height == 0) throw new CodecException("block height 0: heights start at 1");
        return new BlockHeader(chainId, height, r.ReadI64("time"), r.ReadHash("previous block id"), r.ReadHash("transactions root"),
            r.ReadHash("state root"), r.ReadHash("validator set hash"), r.ReadAddress("proposer"), r.ReadHash("last commit hash"),
            r.ReadHash("evidence root"));
    }

    public static BlockHeader Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        var header = Decode(ref r);
        r.End("block header");
        return header;
    }
}
