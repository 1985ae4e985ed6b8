using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Core.Ledger;

/// <summary>
/// The finality proof of a block: precommit signatures for <see cref="BlockId"/> at (height, round)
/// from validators holding more than two thirds of the voting power. Signatures are ordered by
/// strictly increasing validator index, so every commit has one encoding.
/// </summary>
public sealed class Commit(ulong height, int round, Hash32 blockId, CommitSignature[] signatures)
{
    public ulong Height { get; } = height;
    public int Round { get; } = round;
    public Hash32 BlockId { get; } = blockId;
    public IReadOnlyList<CommitSignature> Signatures => signatures;

    public Hash32 Hash()
    {
        var w = new CanonicalWriter(64 + signatures.Length * 66);
        Encode(w);
        return Sha256.Hash(SignDomain.Commit, w.WrittenSpan);
    }

    /// <summary>
    /// Checks the commit against a validator set: shape, index order, each signature (through
    /// <paramref name="verifier"/>, which may cache), and a quorum of power. Returns an empty string
    /// when valid, else the reason.
    /// </summary>
    public string Verify(string chainId, ValidatorSet validators, ulong expectedHeight, in Hash32 expectedBlockId, ISignatureVerifier? verifier = null)
    {
        verifier ??= DirectSignatureVerifier.Instance;
        if (Height != expectedHeight) return $"commit is for height {Height}, expected {expectedHeight}";
        if (BlockId != expectedBlockId) return $"commit is for block {BlockId.Short}, expected {expectedBlockId.Short}";
        var signBytes = Vote.SignBytes(chainId, VoteType.Precommit, Height, Round, BlockId);
        ulong power = 0;
        int previous = -1;
        foreach (var s in signatures)
        {
            if (s.ValidatorIndex <= previous) return "commit signatures are not in strictly increasing validator order";
            if (s.ValidatorIndex >= validators.Count) return $"commit names validator {s.ValidatorIndex} of {validators.Count}";
            previous = s.ValidatorIndex;
            var validator = validators[s.ValidatorIndex];
            if (!verifier.Verify(validator.PublicKey, signBytes, s.Signature)) return $"bad signature from validator {s.ValidatorIndex}";
            power += validator.Power;
        }
        return validators.IsQuorum(power) ? "" : $"commit holds {power} of {validators.TotalPower} voting power, not more than two thirds";
    }

    public void Encode(CanonicalWriter w)
    {
        w.WriteU64(Height);
        w.WriteI32(Round);
        w.WriteHash(BlockId);
        w.WriteCount(signatures.Length);
        foreach (var s in signatures)
        {
            w.WriteU16(s.ValidatorIndex);
            w.WriteSignature(s.Signature);
        }
    }

    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(64 + signatures.Length * 66);
        Encode(w);
        return w.ToArray();
    }

    public static Commit Decode(ref CanonicalReader r)
    {
        ulong height = r.ReadU64("height");
        if (height == 0) throw new CodecException("commit height 0: heights start at 1");
        int round = r.ReadI32("round");
        if (round < 0) throw new CodecException($"negative round {round}");
        var blockId = r.ReadHash("block id");
        if (blockId.IsZero) throw new CodecException("a commit cannot be for nil");
        int n = r.ReadCount(Limits.ValidatorsMax, 2 + Signature.Size, "commit signatures");
        var signatures = new CommitSignature[n];
        int previous = -1;
        for (int i = 0; i < n; i++)
        {
            ushort index = r.ReadU16("validator index");
            if (index <= previous) throw new CodecException("commit signatures must be in strictly increasing validator order");
            previous = index;
            signatures[i] = new CommitSignature(index, r.ReadSignature());
        }
        return new Commit(height, round, blockId, signatures);
    }

    public static Commit Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        var commit = Decode(ref r);
        r.End("commit");
        return commit;
    }
}
